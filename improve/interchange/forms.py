"""The workbook upload form: an .xlsx file, or a .zip of the CSV files, that opens as a workbook."""

from __future__ import annotations

from typing import Any

from django import forms

from improve.interchange.limits import MAX_UPLOAD_BYTES, megabytes
from improve.interchange.workbook import WorkbookError, read_upload

XLSX_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a workbook",
        help_text="An Excel workbook (.xlsx) with the programme's sheets, as downloaded from this page, "
        "or a .zip file of its sheets as CSV files (one <sheet>.csv per sheet), at most "
        f"{megabytes(MAX_UPLOAD_BYTES)}.",
        error_messages={"required": "Select a workbook to upload", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,.zip,{XLSX_CONTENT},application/zip"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".zip")):
            raise forms.ValidationError(
                "The selected file must be an Excel workbook (.xlsx) or a .zip of CSV files: "
                "save it as 'Excel Workbook' and upload it again"
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected file is larger than {megabytes(MAX_UPLOAD_BYTES)}: a programme workbook is far "
                "smaller, so check that you selected the right file"
            )
        data = upload.read()
        try:
            self.sheets = read_upload(upload.name, data)
        except WorkbookError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.file_bytes = data
        return upload
