"""Number display for the insights pages, and whether to show an "Export to Excel" button."""

from django import template

from dualcert.insights.exports.jobs import may_export as may_export_kind

register = template.Library()


@register.filter
def grouped(value: int | None) -> str:
    """A whole number with thousands separated by commas, as official statistics print them
    (the Chinese locale of Django groups nothing); "—" when there is no value."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"


@register.simple_tag(takes_context=True)
def may_export(context: template.Context, kind: str) -> bool:
    """Whether the signed-in user may export this list (the "Export to Excel" button)."""
    request = context.get("request")
    return request is not None and may_export_kind(request.user, kind)
