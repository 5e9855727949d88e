"""Sign-in, sign-out and the user's own password. Nothing about programmes lives here."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from improve.accounts import services
from improve.accounts.forms import NewPasswordForm, PasswordResetRequestForm, SignInForm
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


class _PasswordReset(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponseBase:  # type: ignore[override]
        self.extra_email_context = {"valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        # Django sends nothing for an unknown address, and the next page is the same either way.
        users = list(form.get_users(form.cleaned_data["email"]))
        response = super().form_valid(form)
        for user in users:
            services.password_reset_request_record(user=user)
        return response


class _PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: NewPasswordForm) -> HttpResponseBase:  # type: ignore[override]
        with transaction.atomic():  # the new password and its audit event, or neither
            response = super().form_valid(form)
            services.password_reset_record(user=form.user)
        return response


@public
def password_reset(request: HttpRequest) -> HttpResponseBase:
    """Ask for a link to choose a new password."""
    return _PasswordReset.as_view()(request)


@public
def password_reset_done(request: HttpRequest) -> HttpResponseBase:
    return auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")(request)


@public
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponseBase:
    """The link from the e-mail: choose a new password."""
    return _PasswordResetConfirm.as_view()(request, uidb64=uidb64, token=token)


@public
def password_reset_complete(request: HttpRequest) -> HttpResponseBase:
    return auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")(request)


@signed_in
def password_change(request: HttpRequest) -> HttpResponseBase:
    form = PasswordChangeForm(request.user, request.POST or None)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_change_record(actor=actor(request), user=user)
        messages.success(request, "Your password has been changed")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_change.html", {"form": form})
