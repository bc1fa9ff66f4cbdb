"""JSON API of the assessment stage (same services and selectors as the pages)."""

from ninja import Router

router = Router(tags=["assessment"])
