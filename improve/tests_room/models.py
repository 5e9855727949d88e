"""The test room's one model: a note with a code, kept per programme."""

from django.db import models

from improve.core.models import ArchivableModel


class Note(ArchivableModel):
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    text = models.CharField(max_length=200)

    audit_fields = ("code", "text")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="tests_room_note_code_unique")]

    def __str__(self) -> str:
        return self.code
