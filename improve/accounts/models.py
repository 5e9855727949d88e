"""Users, their per-programme roles, and the one audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their e-mail address."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]  # noqa: RUF012

    objects = UserManager()  # type: ignore[misc, assignment]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    SRO = "sro", "Senior Responsible Owner"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    PMO_OFFICER = "pmo_officer", "PMO officer"
    WORKSTREAM_LEAD = "workstream_lead", "Workstream lead"
    FINANCE_LEAD = "finance_lead", "Finance lead"
    ANALYST = "analyst", "Analyst"
    BOARD_MEMBER = "board_member", "Board member"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A user's role in one programme. Workstream leads are scoped to their strands."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    strands = models.ManyToManyField("programmes.Strand", blank=True, related_name="leads")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "programme"], name="one_membership_per_programme")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class AuditEvent(models.Model):
    """One write: who, when, what, and the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        ARCHIVE = "archive", "Archived"
        RESTORE = "restore", "Restored"
        DELETE = "delete", "Deleted"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="who, kept if the user is removed")
    via = models.CharField(max_length=40, default="web", help_text="web, workbook import, command")
    programme = models.ForeignKey(
        "programmes.Programme", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=300)
    action = models.CharField(max_length=16, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["programme", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_label}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
