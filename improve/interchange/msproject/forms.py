"""The MS Project upload form: a .mpp, .mpx or .xml file that MPXJ reads, and how to bring it in."""

from __future__ import annotations

from typing import Any

from django import forms

from improve.interchange.limits import MAX_UPLOAD_BYTES, megabytes
from improve.interchange.msproject.convert import SUMMARIES_AS_PARENTS, SUMMARIES_AS_STRANDS, Options
from improve.interchange.msproject.reader import READ_SECONDS, ProjectData, ProjectReadError, read_project

EXTENSIONS = (".mpp", ".mpx", ".xml")


class MsProjectUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload an MS Project file",
        help_text=f"A .mpp file (MS Project 98 to today), a .mpx file or MS Project XML (.xml), at most "
        f"{megabytes(MAX_UPLOAD_BYTES)}. Reading it may take up to {READ_SECONDS} seconds.",
        error_messages={"required": "Select an MS Project file to upload", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )
    summaries = forms.ChoiceField(
        label="Summary tasks",
        choices=[
            (SUMMARIES_AS_PARENTS, "Parent lines: each summary task becomes a plan line with its tasks under it"),
            (SUMMARIES_AS_STRANDS, "Strands: each top-level summary task becomes a strand holding its tasks"),
        ],
        initial=SUMMARIES_AS_PARENTS,
        help_text="A plan exported from Improvement Office brings its strands back as strands either way.",
        widget=forms.RadioSelect,
    )
    strand = forms.ChoiceField(
        label="Strand for the other lines",
        help_text="The lines not under a summary task that becomes a strand go here.",
        required=False,
    )

    def __init__(self, *args: Any, strands: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strand = self.fields["strand"]
        assert isinstance(strand, forms.ChoiceField)  # noqa: S101 - for the type checker
        strand.choices = [("", "A new strand named after the file"), *strands]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(
                "The selected file must be an MS Project file: .mpp, .mpx or MS Project XML (.xml)"
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected file is larger than {megabytes(MAX_UPLOAD_BYTES)}: a programme plan is far "
                "smaller, so check that you selected the right file"
            )
        try:
            self.project: ProjectData = read_project(upload.read(), filename=upload.name)
        except ProjectReadError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

    @property
    def options(self) -> Options:
        return Options(summaries=self.cleaned_data["summaries"], strand=self.cleaned_data.get("strand") or "")
