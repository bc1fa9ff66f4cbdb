"""JSON API of the employment stage (same services and selectors as the pages)."""

from ninja import Router

router = Router(tags=["employment"])
