from django.urls import path

from improve.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/sign-in/", views.sign_in, name="login"),
    path("accounts/sign-out/", views.sign_out, name="logout"),
    path("accounts/password/", views.password_change, name="password"),
    path("accounts/password-reset/", views.password_reset, name="password-reset"),
    path("accounts/password-reset/sent/", views.password_reset_done, name="password-reset-done"),
    path("accounts/password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("accounts/password-reset/done/", views.password_reset_complete, name="password-reset-complete"),
]
