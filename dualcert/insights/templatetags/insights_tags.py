"""Number display for the insights pages."""

from django import template

register = template.Library()


@register.filter
def grouped(value: int | None) -> str:
    """A whole number with thousands separated by commas, as official statistics print them
    (the Chinese locale of Django groups nothing); "—" when there is no value."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"
