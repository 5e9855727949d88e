"""The plan, strands, stages, projects and owners registers: what they list, archive and restore."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.core.audit import history_for
from improve.core.register import render_rows
from improve.programmes import registers, selectors
from improve.programmes.models import Membership, Owner, PlanItem, Project, Role, Stage, Strand
from improve.programmes.permissions import programme_access
from improve.programmes.tests.factories import StrandFactory


def url(programme, name, *args):
    return reverse(f"programmes:{name}", args=[programme.slug, *args])


def listed(client, programme, register, query=None):
    """The results of a register (not the message above them)."""
    body = client.get(url(programme, register), query or {}).content.decode()
    return body.split(f'id="{register}-results"', 1)[1]


def test_strands_register_lists_each_strand_with_its_lines_and_links(programme, pmo):
    body = pmo.get(url(programme, "strands")).content.decode()
    assert "<strong>2</strong> strands" in body and "Practice Improvement" in body
    plan = url(programme, "plan")
    assert f'<a class="govuk-link" href="{plan}?strand=1">2</a>' in body  # strand 1 has two lines
    assert f'href="{url(programme, "strand-edit", "1")}">Change' in body
    assert f'href="{url(programme, "strand-archive", "1")}">Archive' in body
    assert f'href="{url(programme, "object-history", "strand", "1")}">History' in body


def test_a_viewer_sees_the_register_without_change_archive_or_add(programme, member):
    body = member(Role.VIEWER).get(url(programme, "strands")).content.decode()
    assert "Practice Improvement" in body and ">History<" in body
    assert ">Change<" not in body and ">Archive<" not in body and "Add a strand" not in body


def test_archive_a_strand_without_lines_then_find_and_restore_it(programme, pmo):
    empty = StrandFactory(programme=programme, code="3", name="Nothing planned")
    response = pmo.post(url(programme, "strand-archive", "3"), {"reason": "merged"})
    assert response.status_code == 302 and response["Location"] == url(programme, "strands")
    assert "Nothing planned" not in listed(pmo, programme, "strands")
    archived = pmo.get(url(programme, "strands"), {"archived": "on"}).content.decode()
    assert "<strong>1</strong> archived strand" in archived and "Nothing planned" in archived
    assert f'action="{url(programme, "strand-restore", "3")}"' in archived
    # Sending the archive form again does not undo it.
    pmo.post(url(programme, "strand-archive", "3"), {"reason": "merged"})
    assert Strand.all_objects.get(pk=empty.pk).archived
    assert pmo.post(url(programme, "strand-restore", "3")).status_code == 302
    assert not Strand.all_objects.get(pk=empty.pk).archived
    assert [e.action for e in history_for(empty)] == ["restore", "archive"]
    history = pmo.get(url(programme, "object-history", "strand", "3")).content.decode()
    assert "Restored Nothing planned" in history and "Archived Nothing planned" in history


def test_a_strand_with_lines_is_not_archived_and_the_page_says_why(programme, pmo):
    response = pmo.post(url(programme, "strand-archive", "1"), {})
    assert response.status_code == 200
    assert "Practice Improvement still has 2 current plan lines" in response.content.decode()
    assert not Strand.all_objects.get(programme=programme, code="1").archived


@pytest.mark.parametrize(
    ("register", "archive", "restore", "find"),
    [
        ("stages", "stage-archive", "stage-restore", lambda p: Stage.all_objects.get(programme=p, code="define")),
        (
            "owners",
            "owner-archive",
            "owner-restore",
            lambda p: Owner.all_objects.get(programme=p, name="Workforce Board"),
        ),
    ],
)
def test_stages_and_owners_archive_and_restore_from_their_registers(programme, pmo, register, archive, restore, find):
    row = find(programme)
    key = row.code if register == "stages" else row.pk
    assert pmo.post(url(programme, archive, key)).status_code == 302
    assert find(programme).archived and row.name not in listed(pmo, programme, register)
    assert row.name in pmo.get(url(programme, register), {"archived": "on"}).content.decode()
    pmo.post(url(programme, restore, key))
    assert not find(programme).archived


def test_projects_have_their_own_register_linked_from_the_owners_page(programme, pmo):
    strand = programme.strands.get(code="2")
    Project.objects.create(programme=programme, strand=strand, code="tom", name="Target Operating Model")
    owners = pmo.get(url(programme, "owners")).content.decode()
    assert (
        "Target Operating Model" not in owners
        and f'href="{url(programme, "projects")}">Projects, which group' in owners
    )
    body = pmo.get(url(programme, "projects"), {"strand": "2"}).content.decode()
    assert "Target Operating Model" in body and "<strong>1</strong> project matches the filters" in body
    assert "<strong>0</strong> projects" in pmo.get(url(programme, "projects"), {"strand": "1"}).content.decode()
    pmo.post(url(programme, "project-archive", "tom"), {"reason": "done"})
    assert Project.all_objects.get(code="tom").archive_reason == "done"
    pmo.post(url(programme, "project-restore", "tom"))
    assert not Project.all_objects.get(code="tom").archived


def test_registers_filter_by_search(programme, pmo):
    body = pmo.get(url(programme, "owners"), {"q": "board"}).content.decode()
    assert "Workforce Board" in body and "Sean Girty" not in body
    body = pmo.get(url(programme, "strands"), {"q": "design"}).content.decode()
    assert "Service Design" in body and "Practice Improvement" not in body


def test_history_of_an_unknown_kind_or_key_is_not_found(programme, pmo):
    assert pmo.get(url(programme, "object-history", "plan", "1")).status_code == 404
    assert pmo.get(url(programme, "object-history", "owner", "x")).status_code == 404
    assert pmo.get(url(programme, "object-history", "strand", "404")).status_code == 404


def test_the_plan_lists_archived_lines_with_restore_for_those_who_may_edit_them(programme, pmo, member):
    PlanItem.objects.filter(programme=programme, uid="23").update(archived_at="2019-05-01T00:00:00Z")
    plan = url(programme, "plan")
    assert "<strong>2</strong> plan lines" in pmo.get(plan).content.decode()
    body = pmo.get(plan, {"archived": "on"}).content.decode()
    assert "<strong>1</strong> archived plan line" in body and "Service Design" in body
    assert f'action="{url(programme, "item-archive", "23")}"' in body and 'name="archive" value="0"' in body
    lead = member(Role.WORKSTREAM_LEAD, strands=[programme.strands.get(code="1")])  # not strand 2's lead
    assert "Restore" not in lead.get(plan, {"archived": "on"}).content.decode()
    assert "Restore" not in member(Role.VIEWER).get(plan, {"archived": "on"}).content.decode()
    pmo.post(url(programme, "item-archive", "23"), {"archive": "0"})
    assert "<strong>3</strong> plan lines" in pmo.get(plan).content.decode()


def test_the_plan_page_reads_only_what_it_shows_and_nothing_more_while_it_renders(programme, pmo):
    items = list(selectors.plan_page_items(programme))
    unread = {"notes", "created_at", "modified_by_id", "project_id", "parent_id", "version"}
    assert unread <= items[0].get_deferred_fields()
    user = Membership.objects.get(programme=programme, role=Role.PMO_OFFICER).user
    register = registers.plan(
        programme,
        programme_access(user, programme.slug),
        today=programme.as_at,
        strands=[],
        item_href=lambda uid: f"/line/{uid}/",
        form=lambda data: None,
    )
    with CaptureQueriesContext(connection) as ctx:
        rows = render_rows(register, items, archived=False)
    assert ctx.captured_queries == []
    assert '<a class="govuk-link" href="/line/23/">Stakeholder Analysis and Communications Plan</a>' in rows
    assert 'Endorsed by Workforce Board</a><br><span class="govuk-body-s io-muted">Endorsement</span>' in rows
