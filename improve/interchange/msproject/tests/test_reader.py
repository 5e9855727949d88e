"""The real MS Project files read as MPXJ's own tests expect (MppTaskTest, MppBaselineTest, MppRelationTest)."""

from __future__ import annotations

import datetime as dt

import pytest

from improve.interchange.msproject.reader import ProjectReadError, read_in_process, read_project

from .conftest import interop, needs_java, read

pytestmark = needs_java

D = dt.date


def test_task_fields_of_an_mpp14_file() -> None:
    project = read("mpp14task.mpp")
    assert project.file_type == "MPP"
    assert project.title == "MPP12 Test"
    # MPXJ: two tasks, task 0 the project task (left out here) and task 1
    [task] = project.tasks
    assert (task.uid, task.id, task.level, task.name) == (1, 1, 1, "Task #1")
    assert (task.start, task.finish) == (D(2006, 8, 23), D(2006, 8, 29))
    assert task.milestone is True
    assert task.percent_complete == 45
    assert task.notes == "Notes Example"
    assert task.resources == ["Wade Golden"]
    assert task.links == []


@pytest.mark.parametrize("name", ["mpp14relations.mpp", "mpp9relations.mpp", "mspdirelations.xml"])
def test_links_of_every_type_with_their_lag(name: str) -> None:
    project = read(name)
    links = {t.uid: [(link.predecessor, link.type, link.lag_days) for link in t.links] for t in project.tasks}
    # MPXJ's testRelations: 1 →FS 2, 2 →SS(+1 day) 3, 3 →FF 4, 4 →SF 5
    assert links == {1: [], 2: [(1, "FS", 0)], 3: [(2, "SS", 1.0)], 4: [(3, "FF", 0)], 5: [(4, "SF", 0)]}
    assert [t.name for t in project.tasks] == ["Task 1", "Task 2", "Task 3", "Task 4", "Task 5"]
    assert project.tasks[0].start == D(2006, 9, 21)


@pytest.mark.parametrize("name", ["mpp14baselines.mpp", "baselines.xml"])
def test_the_ten_numbered_baselines(name: str) -> None:
    [task] = read(name).tasks
    # MPXJ's testBaselineFields: baseline N starts on N/01/2001 and finishes on N/01/2000
    assert sorted(task.baselines) == list(range(1, 11))
    for n in range(1, 11):
        assert task.baselines[n] == (D(2001, 1, n), D(2000, 1, n))


def test_a_password_protected_file_is_refused_with_its_message() -> None:
    with pytest.raises(ProjectReadError, match="protected by a password"):
        read_in_process(interop("password-protected-mpp9.mpp"))


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"This is a shopping list, not a plan.\n" * 50, "plan.mpp"),
        (b"<?xml version='1.0'?><Project><Tasks><Task><UID>1", "plan.xml"),
        (bytes(range(256)) * 40, "plan.mpp"),
    ],
    ids=["text", "cut-short-xml", "binary-noise"],
)
def test_a_file_that_is_not_ms_project_is_refused_in_a_child_process(data: bytes, filename: str) -> None:
    with pytest.raises(ProjectReadError, match="not an MS Project file|could not be read"):
        read_project(data, filename=filename)


def test_a_truncated_mpp_is_refused() -> None:
    data = interop("mpp14task.mpp").read_bytes()
    with pytest.raises(ProjectReadError, match="could not be read|not an MS Project file"):
        read_project(data[: len(data) // 3], filename="plan.mpp")


def test_a_read_that_takes_too_long_is_stopped_and_the_user_told_the_limit() -> None:
    data = interop("mpp14relations.mpp").read_bytes()
    with pytest.raises(ProjectReadError, match="longer than 0.05 seconds"):
        read_project(data, filename="plan.mpp", timeout=0.05)


def test_a_child_process_read_gives_what_an_in_process_read_gives() -> None:
    data = interop("mpp14relations.mpp").read_bytes()
    assert read_project(data, filename="x.mpp") == read("mpp14relations.mpp")


def test_java_missing_is_told_with_what_to_install(monkeypatch) -> None:
    from improve.interchange.msproject import reader

    monkeypatch.setattr(reader, "_java_binary", lambda: None)
    assert "default-jre-headless" in reader.java_problem()
    with pytest.raises(ProjectReadError, match="no Java runtime"):
        read_project(b"anything")
