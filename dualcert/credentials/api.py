"""JSON API of the credentials stage (same services and selectors as the pages)."""

from ninja import Router

router = Router(tags=["credentials"])
