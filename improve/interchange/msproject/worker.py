"""The child process that reads one MS Project file: ``python -m improve.interchange.msproject.worker FILE``.

Prints the file's :class:`~improve.interchange.msproject.reader.ProjectData` as JSON and exits 0;
or prints a message fit for a person and exits with ``WORKER_REFUSED``. Run by
:func:`~improve.interchange.msproject.reader.read_project`, which kills it when it takes too long.
"""

from __future__ import annotations

import sys

from improve.interchange.msproject.reader import WORKER_REFUSED, ProjectReadError, read_in_process


def main(argv: list[str]) -> int:
    try:
        data = read_in_process(argv[1])
    except ProjectReadError as exc:
        sys.stdout.write(str(exc) + "\n")
        return WORKER_REFUSED
    sys.stdout.write(data.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
