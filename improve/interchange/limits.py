"""The limits of a workbook import, in one place.

Each is far above what a council's improvement programme needs (a large plan has a few thousand
lines and its workbook is well under a megabyte), and low enough that a damaged or hostile file is
refused in seconds rather than taking minutes and gigabytes.
"""

from __future__ import annotations

import datetime as dt

MEGABYTE = 1024 * 1024

#: Rows under the header row of any one sheet; reading stops at the first row past it.
MAX_ROWS_PER_SHEET = 50_000

#: Size of an uploaded file (.xlsx or .zip), as sent.
MAX_UPLOAD_BYTES = 20 * MEGABYTE

#: The CSV files in an uploaded .zip, once unpacked (a 50,000-line plan is some 9 MB of CSV).
MAX_CSV_UNPACKED_BYTES = MAX_UPLOAD_BYTES

#: The parts of an .xlsx file, once unpacked: its XML is verbose (a 50,000-line plan is some 33 MB).
MAX_XLSX_UNPACKED_BYTES = 100 * MEGABYTE

#: Problems listed on the preview page and by the command; the rest are counted.
MAX_PROBLEMS_LISTED = 200

#: How long an upload waits for the user to confirm its preview.
UPLOAD_WAITS_AT_MOST = dt.timedelta(hours=1)


def megabytes(size: int) -> str:
    """``20 MB`` for ``20 * MEGABYTE``."""
    return f"{size // MEGABYTE:,} MB"
