from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import require_POST

from improve.accounts.forms import SignInForm
from improve.accounts.permissions import public, signed_in


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
