"""Posting an admin change form as a browser would: every field as the page shows it."""

from django.forms import BoundField, CheckboxInput, MultiWidget


def change_form_data(response, **changes: object) -> dict[str, object]:
    """The data the change page in ``response`` posts when saved, with ``changes`` applied
    (the fields' HTML names); its inlines' rows are posted unchanged."""
    data: dict[str, object] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({bound.html_name: bound.value() for bound in management})
        forms.extend(inline.formset.forms)
    for form in forms:
        for bound in form:
            if not bound.field.disabled:
                data.update(_posted(bound))
    data.update(changes)
    return data


def _posted(bound: BoundField) -> dict[str, object]:
    widget, value = bound.field.widget, bound.value()
    if isinstance(widget, CheckboxInput):
        return {bound.html_name: "on"} if value else {}
    if isinstance(widget, MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        return {
            bound.html_name + suffix: "" if part is None else part
            for suffix, part in zip(widget.widgets_names, parts, strict=True)
        }
    return {bound.html_name: "" if value is None else value}
