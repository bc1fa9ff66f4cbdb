"""JSON API of the demand stage (same services and selectors as the pages)."""

from ninja import Router

router = Router(tags=["demand"])
