"""Pages of the programme office administrators: starting a programme, and who the administrators are.

Both are ``site_admin`` pages: only a user with the programme office administrator flag may open
them (anyone else signed in gets 403). The services check the flag again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from improve.accounts import selectors as account_selectors
from improve.accounts.services import user_set_programme_admin
from improve.core.access import site_admin
from improve.core.views import actor, apply_validation_error
from improve.programmes import selectors, services
from improve.programmes.forms import AdministratorForm, ProgrammeStartForm


def _member_fields(form: ProgrammeStartForm) -> dict[str, str]:
    """Where a problem with the ``i``-th member goes on the form (``members.i.email`` → a field)."""
    prefixes = ["sro"]
    if form.cleaned_data.get("manager_email"):
        prefixes.append("manager")
    field_map: dict[str, str] = {}
    for i, prefix in enumerate(prefixes):
        field_map |= {f"members.{i}.email": f"{prefix}_email", f"members.{i}.full_name": f"{prefix}_name"}
    joined = len(prefixes)
    field_map |= {f"members.{joined}.email": "join", f"members.{joined}.full_name": "join"}
    return field_map


@site_admin
def programme_start(request: HttpRequest) -> HttpResponse:
    """Start a programme: its definition and first members, saved together or not at all."""
    form = ProgrammeStartForm(
        request.POST or None,
        taken_slugs=selectors.programme_slugs(),
        own_email=request.user.email,  # type: ignore[union-attr]
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme, added = services.programme_start(
                actor=actor(request),
                data=form.programme_data(),  # type: ignore[arg-type]
                members=form.members(request.user.full_name),  # type: ignore[union-attr]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, _member_fields(form))
        else:
            # Temporary passwords are shown once, on this page, and stored nowhere but as a hash.
            return render(
                request,
                "programmes/programme_started.html",
                {
                    "started": programme,
                    "added": added,
                    "any_new": any(temporary for _, temporary in added),
                    "is_member": any(m.user_id == request.user.pk for m, _ in added),
                },
            )
    return render(request, "programmes/programme_start.html", {"form": form})


@site_admin
def administrators(request: HttpRequest) -> HttpResponse:
    """List the programme office administrators; make someone one, or stop them being one."""
    form = AdministratorForm(request.POST if request.POST.get("action") == "grant" else None)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            return _revoke(request)
        if form.is_valid():
            email = form.cleaned_data["email"]
            user = account_selectors.user_by_email(email)
            if user is None:
                form.add_error(
                    "email",
                    f"Nobody with the e-mail address {email} has an account: add them to a programme first, "
                    "then make them an administrator",
                )
            elif user.is_programme_admin:
                form.add_error("email", f"{user} is already an administrator")
            else:
                try:
                    user_set_programme_admin(actor=actor(request), user=user, admin=True)
                except ValidationError as exc:
                    apply_validation_error(form, exc)
                else:
                    messages.success(request, f"{user} is now a programme office administrator")
                    return redirect("programmes:administrators")
    return render(
        request,
        "programmes/administrators.html",
        {"form": form, "admins": list(account_selectors.programme_admins())},
    )


def _revoke(request: HttpRequest) -> HttpResponse:
    try:
        user = account_selectors.user_by_pk(int(request.POST.get("user", "")))
    except (ValueError, ObjectDoesNotExist):
        messages.error(request, "That person was not found: nothing was changed")
        return redirect("programmes:administrators")
    try:
        user_set_programme_admin(actor=actor(request), user=user, admin=False)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{user} is no longer a programme office administrator")
    return redirect("programmes:administrators")
