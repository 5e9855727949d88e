"""Read an MS Project file (.mpp, .mpx, MS Project XML) through MPXJ, in a child process.

MPXJ is a Java library; the ``mpxj`` package ships its jars and JPype runs them on the machine's
Java runtime. Each read runs in a child process (``python -m improve.interchange.msproject.worker``)
that starts the JVM once, lazily, reads the one file and prints its tasks as JSON:

- a damaged or hostile file that makes the reader loop or allocate without end cannot hang or
  swell the web server: the child is killed when :data:`READ_SECONDS` have passed, and its heap is
  capped at :data:`JAVA_HEAP` (an ``OutOfMemoryError`` ends the child, not the server);
- the web server's process never loads a JVM, so a server without Java works as before, and the
  import page says what to install (:func:`java_problem`).

:func:`extract` (run inside the child, or in-process by :func:`read_in_process`) turns MPXJ's
``ProjectFile`` into a :class:`ProjectData`: plain values only, dates as ``datetime.date``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: The longest a read may take; a small file takes 2 s of CPU time, mostly the JVM's start. [s]
READ_SECONDS = 60
#: The Java heap of the reading process: far above a programme plan, low enough for a small server.
JAVA_HEAP = "512m"
#: A read is short: compile with the quick compiler only and use the serial collector, which
#: starts sooner: one child read of a small .mpp took 1.9-2.1 s of CPU time against 3.6-3.8 s
#: without them (28/11/2026, on a loaded 2-core machine: 5-9 s on the clock against 11-12 s).
JVM_QUICK_START = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
#: The baselines MS Project keeps: "Baseline" (0) and "Baseline 1" to "Baseline 10".
BASELINES = range(11)
#: What Debian calls the Java runtime the build installs (``make java``).
JAVA_PACKAGE = "default-jre-headless"


class ProjectReadError(Exception):
    """The file could not be read as an MS Project file (the message is fit for a person)."""


@dataclass
class Link:
    predecessor: int  # the predecessor task's unique ID
    type: str  # FS, SS, FF or SF
    lag_days: float | None  # None: a lag MS Project keeps as a percentage of the duration
    lag_text: str = ""  # as MS Project shows it (e.g. "1d", "4h")


@dataclass
class Task:
    uid: int
    id: int
    level: int
    name: str
    start: dt.date | None
    finish: dt.date | None
    milestone: bool
    summary: bool
    percent_complete: float
    notes: str = ""
    resources: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    #: baseline number (0 = "Baseline") to (start, finish)
    baselines: dict[int, tuple[dt.date | None, dt.date | None]] = field(default_factory=dict)
    #: what our own export keeps in custom fields (:data:`~.export.KEPT`), by key: "id", "team"...
    kept: dict[str, str] = field(default_factory=dict)


@dataclass
class Resource:
    name: str
    group: str = ""
    notes: str = ""


@dataclass
class ProjectData:
    file_type: str
    title: str
    tasks: list[Task]
    #: baseline number to the date it was saved (when the file records it)
    baseline_dates: dict[int, dt.date] = field(default_factory=dict)
    saved: dt.date | None = None  # when the file was last saved (or created)
    resources: list[Resource] = field(default_factory=list)
    #: the project summary task's notes (where our export names its baselines)
    summary_notes: str = ""
    #: problems the reader noted and went past (a file MS Project wrote well has none)
    reader_warnings: list[str] = field(default_factory=list)

    @property
    def ours(self) -> bool:
        """Whether the file carries our kept fields (it was exported from Improvement Office)."""
        return any(t.kept.get("id") for t in self.tasks)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=_json_default)

    @classmethod
    def from_json(cls, text: str | bytes) -> ProjectData:
        data = json.loads(text)
        tasks = [
            Task(
                **{
                    **t,
                    "start": _date(t["start"]),
                    "finish": _date(t["finish"]),
                    "links": [Link(**link) for link in t["links"]],
                    "baselines": {int(n): (_date(s), _date(f)) for n, (s, f) in t["baselines"].items()},
                }
            )
            for t in data["tasks"]
        ]
        return cls(
            file_type=data["file_type"],
            title=data["title"],
            tasks=tasks,
            baseline_dates={int(n): d for n, v in data["baseline_dates"].items() if (d := _date(v))},
            saved=_date(data["saved"]),
            resources=[Resource(**r) for r in data.get("resources", [])],
            summary_notes=data.get("summary_notes", ""),
            reader_warnings=list(data.get("reader_warnings", [])),
        )


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value))


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# --- is Java there? ---------------------------------------------------------------------------------


def java_problem() -> str:
    """Why MS Project files cannot be read on this server, or ``""`` when they can."""
    missing = [name for name in ("jpype", "mpxj") if importlib.util.find_spec(name) is None]
    if missing:
        return (
            "The MS Project reader is not installed on this server: install the Python packages "
            f"{' and '.join(missing)} (make install does)"
        )
    if not _java_binary():
        return (
            "There is no Java runtime on this server, which the MS Project reader needs: install one "
            f"(on Debian or Ubuntu, the package {JAVA_PACKAGE}; make java does)"
        )
    return ""


def _java_binary() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


# --- reading in a child process ---------------------------------------------------------------------


def read_project(data: bytes, *, filename: str = "plan.mpp", timeout: float = READ_SECONDS) -> ProjectData:
    """Read an MS Project file's bytes in a child process, killed after ``timeout`` seconds."""
    problem = java_problem()
    if problem:
        raise ProjectReadError(problem)
    suffix = Path(filename).suffix.lower() or ".mpp"
    with tempfile.TemporaryDirectory(prefix="improve-msp-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            done = subprocess.run(  # noqa: S603 - our own module, on a file we wrote
                [sys.executable, "-m", "improve.interchange.msproject.worker", str(path)],
                capture_output=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
        except subprocess.TimeoutExpired as exc:  # subprocess.run has killed the child
            raise ProjectReadError(
                f"Reading the file took longer than {timeout:g} seconds, the most a read may take: "
                "the file may be damaged; open it in MS Project, save it again and upload it again"
            ) from exc
    out = done.stdout.decode("utf-8", "replace")
    if done.returncode == 0:
        return ProjectData.from_json(out)
    message = out.strip().splitlines()[-1] if out.strip() else ""
    if done.returncode == WORKER_REFUSED and message:
        raise ProjectReadError(message)
    raise ProjectReadError(
        "The file could not be read as an MS Project file: the reader stopped unexpectedly "
        "(the file may be too large or damaged)"
    )


#: The worker's exit status when it refused the file (its message is on the last line of stdout).
WORKER_REFUSED = 3


# --- in the reading process -------------------------------------------------------------------------

_jvm_started = False


def start_jvm() -> None:
    """Start the JVM the first time a file is read in this process (never at import)."""
    global _jvm_started  # noqa: PLW0603 - one JVM per process, started once
    if _jvm_started:
        return
    import jpype
    import mpxj  # noqa: F401 - puts MPXJ's jars on JPype's class path

    if not jpype.isJVMStarted():
        jpype.startJVM(
            f"-Xmx{JAVA_HEAP}",
            *JVM_QUICK_START,
            "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
        )
    _jvm_started = True


def read_in_process(path: str | os.PathLike[str]) -> ProjectData:
    """Read a file with MPXJ in this process (starting the JVM here): the child's work, and tests'."""
    start_jvm()
    from java.lang import Exception as JavaException
    from org.mpxj.reader import UniversalProjectReader

    try:
        project = UniversalProjectReader().read(str(path))
    except JavaException as exc:
        raise ProjectReadError(_java_message(str(exc.getMessage() or ""))) from exc
    if project is None:
        raise ProjectReadError("The file is not an MS Project file: upload a .mpp, .mpx or MS Project XML (.xml) file")
    try:
        return extract(project)
    except JavaException as exc:
        raise ProjectReadError(
            "The file could not be read as an MS Project file: it looks damaged (" + str(exc.getMessage()) + ")"
        ) from exc


def _java_message(text: str) -> str:
    lowered = text.lower()
    if "password" in lowered:
        return (
            "The file is protected by a password, which the reader cannot open: in MS Project, "
            "save a copy without a password (File, Save As, Tools, General Options) and upload that"
        )
    if "encrypt" in lowered:
        return "The file is encrypted and cannot be read: save a copy without encryption and upload that"
    return (
        "The file could not be read as an MS Project file: it may be damaged or cut short; "
        "open it in MS Project, save it again and upload it again"
    )


def _local_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    return dt.date(int(value.getYear()), int(value.getMonthValue()), int(value.getDayOfMonth()))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def extract(project: Any) -> ProjectData:
    """MPXJ's ``ProjectFile`` as :class:`ProjectData`: every real task, in file order."""
    from org.mpxj import TimeUnit

    from improve.interchange.msproject.export import KEPT_BY_ALIAS, KEPT_OWNER

    props = project.getProjectProperties()
    kept_fields = []  # (key, field) of the custom fields our export names
    owner_field = None  # the resource field that keeps an owner's name as it is
    for custom in project.getCustomFields():
        alias = _text(custom.getAlias())
        key = KEPT_BY_ALIAS.get(alias)
        if key is not None and custom.getFieldType() is not None:
            kept_fields.append((key, custom.getFieldType()))
        if alias == KEPT_OWNER[1] and custom.getFieldType() is not None:
            owner_field = custom.getFieldType()

    def resource_name(resource: Any) -> str:
        kept = _text(resource.get(owner_field)) if owner_field is not None else ""
        return kept or _text(resource.getName())

    tasks: list[Task] = []
    summary_notes = ""
    for task in project.getTasks():
        if task.getNull() or task.getUniqueID() is None:
            continue  # a blank row in MS Project
        level = task.getOutlineLevel()
        if level is None or int(level) < 1:
            if int(task.getUniqueID()) == 0:
                summary_notes = _text(task.getNotes())
            continue  # the project summary task (task 0)
        kept = {}
        for key, custom_field in kept_fields:
            value = task.get(custom_field)
            if value is not None and _text(value):
                text = _text(value)
                kept[key] = text[:-2] if key == "order" and text.endswith(".0") else text
        links = []
        for relation in task.getPredecessors():
            lag = relation.getLag()
            lag_days: float | None = 0.0
            lag_text = ""
            if lag is not None and float(lag.getDuration()) != 0:
                lag_text = str(lag)
                if lag.getUnits() in (TimeUnit.PERCENT, TimeUnit.ELAPSED_PERCENT):
                    lag_days = None
                else:
                    lag_days = float(lag.convertUnits(TimeUnit.DAYS, props).getDuration())
            links.append(
                Link(
                    predecessor=int(relation.getPredecessorTask().getUniqueID()),
                    type=str(relation.getType()),
                    lag_days=lag_days,
                    lag_text=lag_text,
                )
            )
        names: list[str] = []
        for assignment in task.getResourceAssignments():
            resource = assignment.getResource()
            name = resource_name(resource) if resource is not None else ""
            if name and name not in names:
                names.append(name)
        baselines: dict[int, tuple[dt.date | None, dt.date | None]] = {}
        for n in BASELINES:
            start = _local_date(task.getBaselineStart() if n == 0 else task.getBaselineStart(n))
            finish = _local_date(task.getBaselineFinish() if n == 0 else task.getBaselineFinish(n))
            if start or finish:
                baselines[n] = (start, finish)
        percent = task.getPercentageComplete()
        tasks.append(
            Task(
                uid=int(task.getUniqueID()),
                id=int(task.getID()) if task.getID() is not None else int(task.getUniqueID()),
                level=int(level),
                name=_text(task.getName()),
                start=_local_date(task.getStart()),
                finish=_local_date(task.getFinish()),
                milestone=bool(task.getMilestone()),
                summary=bool(task.getSummary()),
                percent_complete=float(percent) if percent is not None else 0.0,
                notes=_text(task.getNotes()),
                resources=names,
                links=links,
                baselines=baselines,
                kept=kept,
            )
        )
    resources = [
        Resource(name=resource_name(r), group=_text(r.getGroup()), notes=_text(r.getNotes()))
        for r in project.getResources()
        if r.getUniqueID() is not None and int(r.getUniqueID()) != 0 and resource_name(r)
    ]
    baseline_dates = {}
    for n in BASELINES:
        taken = _local_date(props.getBaselineDate() if n == 0 else props.getBaselineDate(n))
        if taken:
            baseline_dates[n] = taken
    return ProjectData(
        file_type=_text(props.getFileType()),
        title=_text(props.getProjectTitle()) or _text(props.getName()),
        tasks=tasks,
        baseline_dates=baseline_dates,
        saved=_local_date(props.getLastSaved()) or _local_date(props.getCreationDate()),
        resources=resources,
        summary_notes=summary_notes,
        reader_warnings=[_text(e) for e in project.getIgnoredErrors()],
    )
