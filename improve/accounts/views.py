from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from improve.accounts import selectors, services
from improve.accounts.audit import Actor
from improve.accounts.forms import MemberForm, NewPasswordForm, PasswordResetRequestForm, SignInForm
from improve.accounts.models import Membership
from improve.accounts.permissions import Perm, programme_view, public, signed_in


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


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, via="web")  # type: ignore[arg-type]


def _member_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    access = request.access  # type: ignore[attr-defined]
    return {"programme": access.programme, "access": access, **extra}


def _membership_or_404(programme: Any, pk: int) -> Membership:
    try:
        return selectors.member_of(programme, pk)
    except Membership.DoesNotExist as exc:
        raise Http404("No such member") from exc


@programme_view(Perm.VIEW)
def members(request: HttpRequest, slug: str) -> HttpResponseBase:
    programme = request.access.programme  # type: ignore[attr-defined]
    return render(
        request, "accounts/members.html", _member_context(request, members=list(selectors.members_of(programme)))
    )


def _member_form(request: HttpRequest, data: Any = None, *, membership: Membership | None = None) -> MemberForm:
    programme = request.access.programme  # type: ignore[attr-defined]
    initial = {"role": membership.role, "strands": [str(s.pk) for s in membership.strands.all()]} if membership else {}
    return MemberForm(
        data,
        initial=initial,
        strands=list(programme.strands.all()),
        strand_word=programme.strand_word,
        existing_emails={m.user.email.lower() for m in selectors.members_of(programme)},
        editing=membership is not None,
    )


@programme_view(Perm.MANAGE_MEMBERS)
def member_add(request: HttpRequest, slug: str) -> HttpResponseBase:
    programme = request.access.programme  # type: ignore[attr-defined]
    form = _member_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if selectors.user_by_email(d["email"]) is None and not d["full_name"].strip():
            form.add_error("full_name", "Enter their full name: they are new to Improvement Office")
        else:
            try:
                membership, temporary = services.member_add(
                    actor=_actor(request),
                    programme=programme,
                    email=d["email"],
                    full_name=d["full_name"].strip(),
                    role=d["role"],
                    strands=form.chosen_strands(),
                )
            except ValidationError as exc:
                form.add_error("email", exc.message_dict.get("email", exc.messages))
            else:
                # The temporary password is shown once, on this page, and stored nowhere but as a hash.
                return render(
                    request,
                    "accounts/member_added.html",
                    _member_context(request, membership=membership, temporary=temporary),
                )
    return render(request, "accounts/member_form.html", _member_context(request, form=form, membership=None))


@programme_view(Perm.MANAGE_MEMBERS)
def member_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    programme = request.access.programme  # type: ignore[attr-defined]
    membership = _membership_or_404(programme, pk)
    form = _member_form(request, request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        if membership.user_id == request.user.pk and form.cleaned_data["role"] != membership.role:
            form.add_error("role", "You cannot change your own role: ask another SRO or programme manager")
        else:
            services.membership_grant(
                actor=_actor(request),
                user=membership.user,
                programme=programme,
                role=form.cleaned_data["role"],
                strands=form.chosen_strands(),
            )
            messages.success(request, f"{membership.user} saved")
            return redirect("accounts:members", slug=slug)
    return render(request, "accounts/member_form.html", _member_context(request, form=form, membership=membership))


@programme_view(Perm.MANAGE_MEMBERS)
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    programme = request.access.programme  # type: ignore[attr-defined]
    membership = _membership_or_404(programme, pk)
    if membership.user_id == request.user.pk:
        messages.error(request, "You cannot remove yourself from the programme")
    else:
        services.member_remove(actor=_actor(request), membership=membership)
        messages.success(request, f"{membership.user} no longer has access to this programme")
    return redirect("accounts:members", slug=slug)


@signed_in
def password_change(request: HttpRequest) -> HttpResponseBase:
    form = PasswordChangeForm(request.user, request.POST or None)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_change_record(actor=_actor(request), user=user)
        messages.success(request, "Your password has been changed")
        return redirect("programmes:home")
    return render(request, "accounts/password_change.html", {"form": form})
