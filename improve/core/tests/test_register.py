"""The register page's machinery, on the audit trail's own rows (core names no room's table)."""

from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from improve.core.models import AuditEvent
from improve.core.register import Column, Register, _html, register_page, render_rows, row_url

# Any URL with one key after a fixed argument will do: the strand page's is one.
URL = "programmes:strand-edit"


def test_row_url_reverses_once_and_matches_reverse():
    make = row_url(URL, ["my-programme"])
    for key in ("1", "1.2", "eval", "a_b-c"):
        assert make(key) == reverse(URL, args=["my-programme", key])


def test_row_url_gives_no_address_for_a_key_no_address_can_carry():
    make = row_url(URL, ["my-programme"])
    assert make("A 1&2") == "" and make("..") == "" and make("a/b") == ""


def _register(**overrides):
    base = {
        "name": "things",
        "title": "Things",
        "noun": "thing",
        "noun_plural": "things",
        "url": "/things/",
        "rows": lambda archived: AuditEvent.objects.order_by("id"),
        "columns": (
            Column("Code", lambda r: r.code, row_header=True),
            Column("Name", lambda r: r.name, link=lambda r: f"/see/{r.code}/" if r.code != "x" else ""),
        ),
        "url_args": ("p",),
        "key": lambda r: r.code,
        "label": lambda r: r.name,
    }
    base.update(overrides)
    return Register(**base)


ROWS = [SimpleNamespace(code="1", name="<b>One</b>"), SimpleNamespace(code="x", name="Ex & co")]


def test_rows_escape_every_text_and_link_only_where_there_is_an_address():
    html = render_rows(_register(), ROWS, archived=False)
    assert '<th scope="row" class="govuk-table__header">1</th>' in html
    assert '<a class="govuk-link" href="/see/1/">&lt;b&gt;One&lt;/b&gt;</a>' in html
    assert '<td class="govuk-table__cell">Ex &amp; co</td>' in html
    assert "<b>" not in html and "Change" not in html  # no actions asked for: no actions column


def test_rows_offer_change_and_archive_only_on_rows_the_member_may_change():
    register = _register(change_url=URL, archive_url="programmes:strand-archive", editable=lambda r: r.code == "1")
    first, second = render_rows(register, ROWS, archived=False).split("\n")
    edit = reverse(URL, args=["p", "1"])
    assert f'href="{edit}">Change<span class="govuk-visually-hidden"> &lt;b&gt;One&lt;/b&gt;</span>' in first
    assert "Archive<span" in first
    assert "Change" not in second and "Archive" not in second


def test_archived_rows_offer_a_restore_button_with_the_token_and_the_rooms_fields():
    register = _register(
        change_url=URL, restore_url="programmes:strand-archive", restore_data={"archive": "0"}, history_url=URL
    )
    html = render_rows(register, ROWS[:1], archived=True, csrf_token="tok")
    restore = reverse("programmes:strand-archive", args=["p", "1"])
    assert f'<form method="post" action="{restore}"' in html
    assert 'name="csrfmiddlewaretoken" value="tok"' in html and 'name="archive" value="0"' in html
    assert "Change" not in html and ">History<" in html


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=5)


@pytest.fixture
def events(db):
    return [
        AuditEvent.objects.create(
            actor_label="x", object_type="t", object_id=str(n), object_label=f"row {n}", action="create"
        )
        for n in range(7)
    ]


def _get(query, htmx=False):
    request = RequestFactory().get("/things/", query)
    request.user = AnonymousUser()
    request.htmx = htmx
    return request


def _events_register():
    return _register(
        columns=(Column("Label", lambda e: e.object_label),),
        filter_form=lambda data: SearchForm(data),
        filter=lambda qs, c: qs.filter(object_label__contains=c["q"]),
        page_size=3,
        archivable=True,
        rows=lambda archived: AuditEvent.objects.filter(action="archive" if archived else "create").order_by("id"),
    )


def test_register_page_filters_pages_and_answers_htmx_with_the_results_only(events):
    whole = register_page(_get({"page": "3"}), _events_register(), {}).content.decode()
    assert "<html" in whole and 'id="things-results" aria-live="polite"' in whole
    assert "<strong>7</strong> things; showing 7 to 7" in whole and 'aria-current="page">3<' in whole
    part = register_page(_get({"q": "row 1"}, htmx=True), _events_register(), {}).content.decode()
    assert "<html" not in part and "<strong>1</strong> thing matches the filters" in part


def test_an_invalid_filter_filters_nothing_and_says_why(events):
    body = register_page(_get({"q": "far too long"}), _events_register(), {}).content.decode()
    assert "<strong>7</strong> things" in body and "govuk-error-message" in body


def test_show_archived_lists_only_archived_rows(events):
    AuditEvent.objects.filter(object_id="2").update(action="archive")
    body = register_page(_get({"archived": "on"}), _events_register(), {}).content.decode()
    assert "<strong>1</strong> archived thing" in body and "row 2" in body and "row 3" not in body
    assert 'name="archived" type="checkbox" value="on" checked' in body


class _Html:
    def __html__(self):
        return "<b>built safely</b>"


@pytest.mark.parametrize(
    "value",
    ["plain", "<script>&\"'</script>", mark_safe("<i>safe</i>"), 42, None, _Html(), gettext_lazy("Lazy <text>")],
    ids=["plain", "markup", "safe", "number", "none", "has-html", "lazy"],
)
def test_a_cell_is_escaped_exactly_as_conditional_escape_escapes_it(value):
    assert _html(value) == conditional_escape(value)
