from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from improve.accounts.models import Role


class SignInForm(AuthenticationForm):
    """Sign in with e-mail address and password.

    Addresses are stored lower-case (``UserManager``), so the address is matched in any case.
    """

    username = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "Enter a correct e-mail address and password. The password is case-sensitive.",
        "inactive": "This account has been switched off. Ask your programme manager.",
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class PasswordResetRequestForm(PasswordResetForm):
    """Ask for a reset link. Django's form finds the account by address in any case and sends
    nothing, and says nothing different, for an address it does not know."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address you sign in with. We will send a link to choose a new password.",
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class NewPasswordForm(SetPasswordForm):
    """Choose a new password after following a reset link."""

    error_messages = {
        "password_mismatch": "Confirm new password must match New password: enter the same password in both",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again to confirm it"


class MemberForm(forms.Form):
    """Give someone a role in a programme; workstream leads also get their strands."""

    email = forms.EmailField(label="E-mail address", widget=forms.EmailInput(attrs={"spellcheck": "false"}))
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        required=False,
        help_text="Needed only if they have not used Improvement Office before",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
    strands = forms.MultipleChoiceField(
        label="Strands they lead",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For workstream leads: the strands whose plan lines they may change",
    )

    def __init__(
        self,
        *args: Any,
        strands: list[Any],
        strand_word: str,
        existing_emails: set[str],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.existing_emails = existing_emails
        self._strands = {str(s.pk): s for s in strands}
        field = self.fields["strands"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(s.pk), s.name) for s in strands]
        field.label = f"{strand_word}s they lead"
        if editing:
            del self.fields["email"]
            del self.fields["full_name"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.WORKSTREAM_LEAD and not data.get("strands"):
            self.add_error("strands", "Select the strands this workstream lead leads")
        if data.get("role") and data.get("role") != Role.WORKSTREAM_LEAD and data.get("strands"):
            self.add_error("strands", "Only workstream leads have strands: clear these or choose Workstream lead")
        return data

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email in self.existing_emails:
            raise forms.ValidationError(f"{email} is already a member of this programme")
        return email

    def chosen_strands(self) -> list[Any]:
        return [self._strands[pk] for pk in self.cleaned_data.get("strands", [])]
