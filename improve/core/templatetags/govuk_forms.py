"""Render Django form fields and error summaries as GOV.UK Frontend components."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _error_id(field: BoundField) -> str:
    return f"{field.auto_id}-error"


@register.simple_tag
def govuk_error_summary(form: forms.BaseForm, *extra: str) -> SafeString:
    """The error summary at the top of a page: each error links to its field."""
    items: list[tuple[str, object]] = []
    for message in [*form.non_field_errors(), *extra]:
        items.append(("#main-content", message))
    for field in form:
        for message in field.errors:
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                anchor = f"{field.auto_id}_0"
            items.append((f"#{anchor}", message))
    if not items:
        return mark_safe("")  # noqa: S308 - empty string
    links = format_html_join("", '<li><a href="{}">{}</a></li>', items)
    return format_html(
        '<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">'
        '<h2 class="govuk-error-summary__title">There is a problem</h2>'
        '<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">{}</ul>'
        "</div></div></div>",
        links,
    )


@register.simple_tag
def govuk_field(field: BoundField, width: str = "", label_class: str = "govuk-label--s") -> SafeString:
    """A form group: label, hint, error message and the input, styled by widget type."""
    widget = field.field.widget
    errors = field.errors
    hint_id = f"{field.auto_id}-hint"
    described = []
    hint_html = mark_safe("")  # noqa: S308 - empty string
    if field.help_text:
        described.append(hint_id)
        hint_html = format_html('<div id="{}" class="govuk-hint">{}</div>', hint_id, field.help_text)
    error_html = mark_safe("")  # noqa: S308 - empty string
    if errors:
        described.append(_error_id(field))
        error_html = format_html(
            '<p id="{}" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>',
            _error_id(field),
            " ".join(str(e) for e in errors),
        )
    group_class = "govuk-form-group" + (" govuk-form-group--error" if errors else "")
    attrs: dict[str, str | bool] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    described_by = format_html(' aria-describedby="{}"', attrs["aria-describedby"]) if described else ""

    if isinstance(widget, forms.CheckboxSelectMultiple):
        chosen = {str(v) for v in (field.value() or [])}
        boxes = format_html_join(
            "",
            '<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="{}_{}" name="{}" '
            'type="checkbox" value="{}"{}><label class="govuk-label govuk-checkboxes__label" for="{}_{}">{}</label>'
            "</div>",
            (
                (
                    field.auto_id,
                    i,
                    field.html_name,
                    value,
                    " checked" if str(value) in chosen else "",
                    field.auto_id,
                    i,
                    text,
                )
                for i, (value, text) in enumerate(widget.choices)
            ),
        )
        return format_html(
            '<div class="{}"><fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend '
            'govuk-fieldset__legend--s">{}</legend>{}{}<div class="govuk-checkboxes govuk-checkboxes--small" '
            'data-module="govuk-checkboxes">{}</div></fieldset></div>',
            group_class,
            described_by,
            field.label,
            hint_html,
            error_html,
            boxes,
        )
    if isinstance(widget, forms.RadioSelect):
        options = []
        for i, (value, text) in enumerate(field.field.choices):  # type: ignore[attr-defined]
            oid = f"{field.auto_id}_{i}"
            checked = str(field.value()) == str(value)
            options.append(
                format_html(
                    '<div class="govuk-radios__item"><input class="govuk-radios__input" id="{}" name="{}" '
                    'type="radio" value="{}"{}><label class="govuk-label govuk-radios__label" '
                    'for="{}">{}</label></div>',
                    oid,
                    field.html_name,
                    value,
                    " checked" if checked else "",
                    oid,
                    text,
                )
            )
        return format_html(
            '<div class="{}"><fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend '
            'govuk-fieldset__legend--s">{}</legend>{}{}<div class="govuk-radios govuk-radios--small{}" '
            'data-module="govuk-radios">{}</div></fieldset></div>',
            group_class,
            described_by,
            field.label,
            hint_html,
            error_html,
            " govuk-radios--inline" if len(options) <= 3 else "",
            mark_safe("".join(options)),  # noqa: S308 - each option built with format_html
        )
    if isinstance(widget, forms.CheckboxInput):
        attrs["class"] = "govuk-checkboxes__input"
        return format_html(
            '<div class="{}">{}{}<div class="govuk-checkboxes govuk-checkboxes--small">'
            '<div class="govuk-checkboxes__item">'
            '{}<label class="govuk-label govuk-checkboxes__label" for="{}">{}</label></div></div></div>',
            group_class,
            hint_html,
            error_html,
            field.as_widget(attrs=attrs),
            field.auto_id,
            field.label,
        )
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        # Options rendered here rather than through Django's per-option templates: a filter form
        # with long owner lists renders in a fraction of the time.
        current = "" if field.value() is None else str(field.value())
        option_html = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, " selected" if str(value) == current else "", text) for value, text in widget.choices),
        )
        return format_html(
            '<div class="{}"><label class="govuk-label {}" for="{}">{}</label>{}{}'
            '<select class="govuk-select{}" id="{}" name="{}"{}>{}</select></div>',
            group_class,
            label_class,
            field.auto_id,
            field.label,
            hint_html,
            error_html,
            " govuk-select--error" if errors else "",
            field.auto_id,
            field.html_name,
            described_by,
            option_html,
        )
    elif isinstance(widget, forms.Textarea):
        attrs["class"] = "govuk-textarea" + (" govuk-textarea--error" if errors else "")
    elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        attrs["class"] = "govuk-file-upload" + (" govuk-file-upload--error" if errors else "")
    else:
        attrs["class"] = (
            "govuk-input"
            + (f" govuk-input--width-{width}" if width else "")
            + (" govuk-input--error" if errors else "")
        )
    return format_html(
        '<div class="{}"><label class="govuk-label {}" for="{}">{}</label>{}{}{}</div>',
        group_class,
        label_class,
        field.auto_id,
        field.label,
        hint_html,
        error_html,
        field.as_widget(attrs=attrs),
    )
