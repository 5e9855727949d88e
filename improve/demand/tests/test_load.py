"""Loading a return: strict and lenient, nothing half-written, pseudonyms, no identifier stored, audit."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from improve.core.audit import Actor
from improve.core.models import AuditEvent
from improve.demand import selectors, services
from improve.demand.models import Child, Episode, Load
from improve.demand.pseudonym import pseudonymiser
from improve.demand.tests.conftest import EPISODES, HEADER, TEST_KEY, TWO_CHILDREN, write

ACTOR = Actor(user=None, via="test")
BAD = {
    "header.csv": TWO_CHILDREN["header.csv"] + "C3,2,01/01/2010,WBRI,C123456789012,,\n",
    "episodes.csv": TWO_CHILDREN["episodes.csv"] + "C3,01/06/2020,S,V2,N1,U9,PR1,,,,,,\n",
}


def load(tmp_path, programme, files, *, strict=False, name="return"):
    return services.demand_load(
        actor=ACTOR,
        programme=programme,
        folder=write(tmp_path / name, files),
        strict=strict,
        today=dt.date(2026, 11, 28),
    )


def test_a_clean_return_is_loaded_whole(tmp_path, programme):
    result = load(tmp_path, programme, TWO_CHILDREN, strict=True)
    assert result.load is not None and (result.load.children, result.load.episodes) == (2, 3)
    assert (result.load.first_year, result.load.last_year, result.load.years) == (2021, 2021, "2020/21")
    assert result.load.other_rows == {"Missing": 1}
    table = selectors.episode_table(programme)
    key = pseudonymiser(TEST_KEY)
    amy = table.child_key.index(key("A1"))
    assert table.child_dob[amy] == dt.date(2015, 2, 3) and table.child_sex[amy] == 2
    assert [
        (s, e, ls, p)
        for c, s, e, ls, p in zip(table.child, table.start, table.end, table.legal_status, table.placement, strict=True)
        if c == amy
    ] == [
        (dt.date(2020, 5, 1), dt.date(2020, 9, 1), "V2", "U6"),
        (dt.date(2020, 9, 1), dt.date(2021, 3, 31), "C2", "U4"),
    ]


def test_strict_refuses_the_whole_load(tmp_path, programme):
    result = load(tmp_path, programme, BAD, strict=True)
    assert result.refused and [str(p) for p in result.problems] == [
        "episodes.csv / row 5 / PLACE / 'U9' is not a PLACE code; accepted: "
        + ", ".join(__import__("improve.demand.codes", fromlist=["PLACE"]).PLACE)
    ]
    assert not Load.objects.exists() and not Child.objects.exists() and not Episode.objects.exists()
    assert not AuditEvent.objects.filter(object_type="demand.load").exists()


def test_lenient_loads_the_clean_children_and_keeps_the_problems(tmp_path, programme):
    result = load(tmp_path, programme, BAD)
    saved = result.load
    assert (saved.children, saved.episodes, saved.children_rejected, saved.rows_rejected) == (2, 3, 1, 2)
    assert saved.problem_kinds == {"code": 1} and saved.problems[0]["row"] == 5
    assert Child.objects.count() == 2 and Episode.objects.count() == 3


def test_a_reload_of_the_same_year_replaces_it_in_one_audited_event_each(tmp_path, programme):
    first = load(tmp_path, programme, TWO_CHILDREN).load
    second = load(tmp_path, programme, BAD, name="again")
    assert second.replaced == ["SSDA903 2020/21"] and list(Load.objects.all()) == [second.load]
    assert Child.objects.count() == 2 and Episode.objects.count() == 3
    events = AuditEvent.objects.filter(object_type="demand.load").order_by("pk")
    assert [(e.object_id, e.action) for e in events] == [
        (str(first.pk), "create"),
        (str(first.pk), "delete"),
        (str(second.load.pk), "create"),
    ]
    assert events[2].after["children"] == 2 and events[2].after["episodes"] == 3
    assert events[2].after["problems by kind"] == "code: 1" and events[2].programme_id == programme.pk
    assert AuditEvent.objects.count() == 3  # no event per child or episode


def test_nothing_is_half_written_when_the_insert_fails(tmp_path, programme, monkeypatch):
    load(tmp_path, programme, TWO_CHILDREN)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "insert_many", broken)
    with pytest.raises(RuntimeError):
        load(tmp_path, programme, BAD, name="again")
    assert Load.objects.count() == 1 and Child.objects.count() == 2 and Episode.objects.count() == 3


def test_pseudonyms_are_stable_for_a_key_and_differ_across_keys():
    one, again, other = pseudonymiser("k1"), pseudonymiser("k1"), pseudonymiser("k2")
    assert one("A1") == again("A1") == again(" A1 ") and len(one("A1")) == 64
    assert one("A1") != other("A1") and one("A1") != one("A2")
    with pytest.raises(ValueError, match="IMPROVE_PSEUDONYM_KEY"):
        pseudonymiser("")


def test_no_identifier_is_stored_in_any_table(tmp_path, programme):
    load(tmp_path, programme, BAD)
    identifiers = ["A123456789012", "B123456789012", "RM10 7XX", "IG11 7YY", "RM9 4AA", "SS1 2BB", "'A1'", "'B2'"]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            text = repr(cursor.fetchall())
            assert not [i for i in identifiers if i in text], table
    assert set(Child.objects.values_list("key", flat=True)) == {pseudonymiser(TEST_KEY)(c) for c in ("A1", "B2")}


def test_the_command_loads_and_reports(tmp_path, programme, capsys):
    folder = write(tmp_path / "return", BAD)
    with pytest.raises(CommandError, match="Nothing was loaded: strict mode refuses a return with problems"):
        call_command("demand", "load", str(folder), "--programme", programme.slug, "--strict")
    assert "episodes.csv / row 5 / PLACE / 'U9' is not a PLACE code" in capsys.readouterr().err
    call_command("demand", "load", str(folder), "--programme", programme.slug)
    assert "2 children, 3 episodes; 1 children left out for 1 problems" in capsys.readouterr().out
    with pytest.raises(CommandError, match="There is no programme 'nope'"):
        call_command("demand", "load", str(folder), "--programme", "nope")


def test_an_empty_folder_is_refused(tmp_path, programme):
    result = load(tmp_path, programme, {"readme.txt": "x"})
    assert result.refused and any("No file holds the Header table" in str(p) for p in result.problems)


def test_an_episode_file_with_only_bad_children_is_refused_even_when_lenient(tmp_path, programme):
    files = {
        "header.csv": HEADER + "A1,2,03/02/2015,WBRI,,,\n",
        "episodes.csv": EPISODES + "A1,xx,S,V2,N1,U6,PR1,,,,,,\n",
    }
    assert load(tmp_path, programme, files).refused and not Load.objects.exists()
