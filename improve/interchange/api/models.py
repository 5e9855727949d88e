"""Personal API tokens: a signed-in user's key to the read API, carrying that user's roles.

The token itself is shown once, when it is made; only its SHA-256 digest is kept (a token is 256
random bits, so a fast digest is as safe as a slow password hash and costs nothing per request).
Revoking a token archives it: it stays in its owner's list, and in the audit trail, as revoked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from improve.core.models import ArchivableModel


class ApiToken(ArchivableModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="what the token is for, e.g. Power BI")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="the token's first characters, to tell it")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    audit_fields = ("name", "prefix", ("user", "user"))

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"API token '{self.name}' ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.archived
