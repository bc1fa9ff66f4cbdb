"""JSON API of the insights stage (same services and selectors as the pages)."""

from ninja import Router

router = Router(tags=["insights"])
