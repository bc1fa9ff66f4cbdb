"""JSON API of the catalog stage (same services and selectors as the pages)."""

from ninja import Router

router = Router(tags=["catalog"])
