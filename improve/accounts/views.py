"""Sign-in, sign-out and the user's own password. Nothing about programmes lives here."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from improve.accounts import services
from improve.accounts.forms import SignInForm
from improve.core.access import public, signed_in
from improve.core.views import actor


@public
def sign_in(request: HttpRequest) -> HttpResponseBase:
    return auth_views.LoginView.as_view(
        template_name="accounts/sign_in.html",
        authentication_form=SignInForm,
        redirect_authenticated_user=True,
    )(request)


@signed_in
@require_POST
def sign_out(request: HttpRequest) -> HttpResponseBase:
    return auth_views.LogoutView.as_view()(request)


@signed_in
def password_change(request: HttpRequest) -> HttpResponseBase:
    form = PasswordChangeForm(request.user, request.POST or None)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_change_record(actor=actor(request), user=user)
        messages.success(request, "Your password has been changed")
        return redirect("programmes:home")
    return render(request, "accounts/password_change.html", {"form": form})
