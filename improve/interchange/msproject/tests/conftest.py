from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from improve.interchange.msproject.reader import ProjectData, java_problem, read_in_process

#: MS Project files written by other software (MPXJ's test data), read from the shared folder.
#: ``../shared/interop/msproject`` beside the checkout (a worktree under wt/ looks one level higher).
INTEROP = next(
    (
        folder
        for base in (Path(settings.REPO_DIR).parent, Path(settings.REPO_DIR).parent.parent)
        if (folder := base / "shared" / "interop" / "msproject").is_dir()
    ),
    Path(settings.REPO_DIR).parent / "shared" / "interop" / "msproject",
)

needs_java = pytest.mark.skipif(bool(java_problem()), reason="no Java runtime or MPXJ here")
_read: dict[str, ProjectData] = {}


def interop(name: str) -> Path:
    path = INTEROP / name
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    return path


def read(name: str) -> ProjectData:
    """A shared file read through MPXJ in this process (the JVM starts once per test process)."""
    if name not in _read:
        _read[name] = read_in_process(interop(name))
    return _read[name]
