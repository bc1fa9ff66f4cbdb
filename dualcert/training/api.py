"""JSON API of the training stage (same services and selectors as the pages)."""

from ninja import Router

router = Router(tags=["training"])
