import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from improve.core.audit import Actor, history_for
from improve.core.models import AuditEvent
from improve.programmes import selectors, services
from improve.programmes.graph import find_cycle
from improve.programmes.models import Baseline, Dependency, PlanItem

ACTOR = Actor(user=None, via="test")


def item(programme, uid):
    return PlanItem.all_objects.get(programme=programme, uid=uid)


def test_update_records_before_and_after(programme):
    d = item(programme, "1")
    services.plan_item_update(
        actor=ACTOR,
        item=d,
        expected_version=d.version,
        data={"end_date": dt.date(2019, 5, 2), "status": "complete", "percent_complete": 100},
    )
    event = history_for(d).get()
    assert event.action == "update"
    assert dict((f, (b, a)) for f, b, a in event.changes) == {
        "end": ("18/04/2019", "02/05/2019"),
        "status": ("In progress", "Complete"),
        "percent_complete": (40, 100),
    }


def test_second_save_from_a_stale_form_is_refused_and_shown_the_other_change(programme):
    first = item(programme, "1")
    second = item(programme, "1")  # both loaded at version 1
    services.plan_item_update(actor=ACTOR, item=first, expected_version=1, data={"title": "Design pack signed off"})
    with pytest.raises(services.EditConflict) as exc:
        services.plan_item_update(actor=ACTOR, item=second, expected_version=1, data={"title": "Something else"})
    assert exc.value.current.title == "Design pack signed off"
    assert exc.value.events and exc.value.events[0].after["title"] == "Design pack signed off"
    assert item(programme, "1").title == "Design pack signed off"


def test_invalid_update_saves_nothing(programme):
    d = item(programme, "1")
    with pytest.raises(ValidationError) as exc:
        services.plan_item_update(actor=ACTOR, item=d, expected_version=1, data={"end_date": dt.date(2017, 1, 1)})
    assert "end_date" in exc.value.message_dict
    d.refresh_from_db()
    assert d.end_date == dt.date(2019, 4, 18) and d.version == 1
    assert not AuditEvent.objects.exists()


def test_dependency_loop_is_refused_naming_the_loop(programme):
    a, b, c = item(programme, "1"), item(programme, "17"), item(programme, "23")
    services.dependency_create(actor=ACTOR, programme=programme, predecessor=a, successor=b)
    services.dependency_create(actor=ACTOR, programme=programme, predecessor=b, successor=c)
    with pytest.raises(ValidationError) as exc:
        services.dependency_create(actor=ACTOR, programme=programme, predecessor=c, successor=a)
    assert "23 → 1 → 17 → 23" in str(exc.value) or "1 → 17 → 23 → 1" in str(exc.value)
    assert Dependency.objects.count() == 2


def test_find_cycle_handles_long_chains_without_recursion():
    edges = [(i, i + 1) for i in range(5000)]
    assert find_cycle(edges) is None
    assert find_cycle([*edges, (5000, 0)]) is not None


def test_parent_loop_is_refused(programme):
    d, gate = item(programme, "1"), item(programme, "17")
    with pytest.raises(ValidationError):
        services.plan_item_update(actor=ACTOR, item=d, expected_version=1, data={"parent": gate})
    assert item(programme, "1").parent is None


def test_baseline_lists_slipped_items_with_days(programme):
    baseline = services.baseline_create(actor=ACTOR, programme=programme, name="PID v3", taken_on=dt.date(2019, 6, 1))
    gate = item(programme, "17")
    services.plan_item_update(
        actor=ACTOR,
        item=gate,
        expected_version=1,
        data={"start_date": dt.date(2019, 9, 5), "end_date": dt.date(2019, 9, 5)},
    )
    d = item(programme, "1")
    services.plan_item_update(actor=ACTOR, item=d, expected_version=1, data={"end_date": None, "end_tbd": True})
    services.plan_item_create(
        actor=ACTOR,
        programme=programme,
        data={"uid": "99", "title": "New line", "strand": gate.strand, "status": "not_started"},
    )
    result = selectors.baseline_comparison(Baseline.objects.get(pk=baseline.pk))
    slipped = {s.item.uid: s for s in result["slipped"]}
    assert slipped["17"].days_slipped == 42  # 25/07/2019 -> 05/09/2019
    assert slipped["1"].days_slipped is None and "TBD" in slipped["1"].change
    assert [i.uid for i in result["added"]] == ["99"]
    assert baseline.items.count() == 3


def test_archive_keeps_history(programme):
    d = item(programme, "23")
    services.part_archive(actor=ACTOR, instance=d)
    assert item(programme, "23").archived
    assert "23" not in [i.uid for i in selectors.plan_items(programme)]
    assert history_for(d).get().action == "archive"


def test_complete_must_be_100_percent(programme):
    d = item(programme, "1")
    with pytest.raises(ValidationError) as exc:
        services.plan_item_update(
            actor=ACTOR, item=d, expected_version=1, data={"status": "complete", "percent_complete": 90}
        )
    assert "percent_complete" in exc.value.message_dict


# (type, lag, successor start, successor end, slack) with the predecessor from 01/04/2019 to 18/04/2019
SLACK_CASES = [
    ("FS", 0, dt.date(2019, 4, 18), dt.date(2019, 5, 1), 0),  # starts the day the driver ends: allowed
    ("FS", 0, dt.date(2019, 4, 15), dt.date(2019, 5, 1), -3),
    ("FS", 7, dt.date(2019, 4, 20), dt.date(2019, 5, 1), -5),
    ("SS", 0, dt.date(2019, 4, 2), dt.date(2019, 5, 1), 1),
    ("FF", 0, dt.date(2019, 4, 2), dt.date(2019, 4, 17), -1),
    ("SF", -1, dt.date(2019, 3, 1), dt.date(2019, 3, 31), 0),
    ("FS", 0, None, dt.date(2019, 5, 1), None),  # a TBD start cannot be checked
    ("SS", 2, dt.date(2019, 4, 2), dt.date(2019, 5, 1), -1),
    ("SF", 0, dt.date(2019, 3, 1), dt.date(2019, 3, 20), -12),
]


@pytest.mark.parametrize(("kind", "lag", "succ_start", "succ_end", "slack"), SLACK_CASES)
def test_dependency_slack(kind, lag, succ_start, succ_end, slack):
    from improve.programmes.graph import dependency_slack

    assert dependency_slack(kind, lag, dt.date(2019, 4, 1), dt.date(2019, 4, 18), succ_start, succ_end) == slack


def test_broken_dependencies_in_the_database_agree_with_dependency_slack(programme):
    from improve.programmes.graph import dependency_slack
    from improve.programmes.tests.factories import PlanItemFactory

    strand = item(programme, "1").strand
    before = PlanItemFactory(strand=strand, uid="P", start_date=dt.date(2019, 4, 1), end_date=dt.date(2019, 4, 18))
    expected = []
    for n, (kind, lag, succ_start, succ_end, slack) in enumerate(SLACK_CASES):
        after = PlanItemFactory(strand=strand, uid=f"S{n}", start_date=succ_start, end_date=succ_end)
        Dependency.objects.create(programme=programme, predecessor=before, successor=after, type=kind, lag_days=lag)
        assert slack == dependency_slack(kind, lag, before.start_date, before.end_date, succ_start, succ_end)
        if slack is not None and slack < 0:
            expected.append((f"S{n}", kind, lag, -slack))
    expected.sort(key=lambda row: -row[3])
    count, broken = selectors.broken_dependencies(programme)
    assert count == len(expected) == 5
    assert [(b.successor_uid, b.type, b.lag_days, b.days_short) for b in broken] == expected
    count, worst = selectors.broken_dependencies(programme, listed=2)
    assert count == 5 and worst == broken[:2]


def test_broken_dependencies_are_listed_worst_first(programme):
    a, b, c = item(programme, "1"), item(programme, "17"), item(programme, "23")
    services.dependency_create(actor=ACTOR, programme=programme, predecessor=a, successor=b)  # 18/04 -> 25/07: met
    services.dependency_create(actor=ACTOR, programme=programme, predecessor=b, successor=c)  # c is TBD: unknown
    assert selectors.broken_dependencies(programme) == (0, [])
    services.plan_item_update(
        actor=ACTOR,
        item=b,
        expected_version=1,
        data={"start_date": dt.date(2019, 4, 8), "end_date": dt.date(2019, 4, 8)},
    )
    count, broken = selectors.broken_dependencies(programme)
    assert count == 1
    assert [(x.predecessor_uid, x.successor_uid, x.days_short) for x in broken] == [("1", "17", 10)]


def test_member_command_adds_the_first_member(programme):
    import io

    from django.core.management import CommandError, call_command

    from improve.programmes.models import Membership

    out = io.StringIO()
    call_command(
        "member",
        "add",
        "--programme",
        programme.slug,
        "--email",
        "sro@council.example.org",
        "--name",
        "Elaine Allegretti",
        "--role",
        "sro",
        stdout=out,
    )
    assert "Temporary password" in out.getvalue()
    assert Membership.objects.get(user__email="sro@council.example.org").role == "sro"
    with pytest.raises(CommandError, match="Unknown strand"):
        call_command(
            "member",
            "add",
            "--programme",
            programme.slug,
            "--email",
            "x@example.org",
            "--role",
            "workstream_lead",
            "--strand",
            "99",
        )
    with pytest.raises(CommandError, match="already a member"):
        call_command(
            "member", "add", "--programme", programme.slug, "--email", "sro@council.example.org", "--role", "viewer"
        )


def test_the_uid_map_reads_only_the_uids_a_form_was_sent(programme, django_assert_num_queries):
    PlanItem.objects.filter(programme=programme, uid="23").update(archived_at="2019-05-01T00:00:00Z")
    lines = dict(PlanItem.all_objects.filter(programme=programme).values_list("uid", "pk"))
    assert selectors.item_uid_map(programme) == lines
    assert selectors.item_uid_map(programme, ["17", "23", "404"]) == {"17": lines["17"], "23": lines["23"]}
    with django_assert_num_queries(0):  # an empty form checks nothing
        assert selectors.item_uid_map(programme, ["", ""]) == {}
