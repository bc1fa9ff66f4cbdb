"""JSON API of the people stage (same services and selectors as the pages)."""

from ninja import Router

router = Router(tags=["people"])
