"""The child process that reads or writes one MS Project file.

- ``python -m improve.interchange.msproject.worker FILE`` prints the file's
  :class:`~improve.interchange.msproject.reader.ProjectData` as JSON and exits 0;
- ``python -m improve.interchange.msproject.worker --write FORMAT`` takes an
  :class:`~improve.interchange.msproject.export.ExportPlan` as JSON on its standard input and
  gives the file (MSPDI or MPX) on its standard output.

Either prints a message fit for a person and exits with ``WORKER_REFUSED`` when it cannot. Run by
:func:`~improve.interchange.msproject.reader.read_project` and
:func:`~improve.interchange.msproject.writer.write_project`, which kill it when it takes too long.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from improve.interchange.msproject.reader import WORKER_REFUSED, ProjectReadError, read_in_process


def write(fmt: str) -> int:
    from improve.interchange.msproject.writer import FORMATS, write_json_in_process

    if fmt not in FORMATS:
        sys.stdout.write(f"Unknown format {fmt}: choose one of {', '.join(FORMATS)}\n")
        return WORKER_REFUSED
    text = sys.stdin.buffer.read()
    with tempfile.TemporaryDirectory(prefix="improve-msp-") as folder:
        path = Path(folder) / f"plan{FORMATS[fmt][0]}"
        try:
            write_json_in_process(text, str(path), fmt)
        except ProjectReadError as exc:
            sys.stdout.write(str(exc) + "\n")
            return WORKER_REFUSED
        sys.stdout.buffer.write(path.read_bytes())
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "--write":
        return write(argv[2])
    try:
        data = read_in_process(argv[1])
    except ProjectReadError as exc:
        sys.stdout.write(str(exc) + "\n")
        return WORKER_REFUSED
    sys.stdout.write(data.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
