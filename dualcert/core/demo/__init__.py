"""Demo data: a consistent, fictional history of the programme, generated from a seed.

Names are combinations of common name parts and ID numbers are synthetic (valid check
digits): no real person appears. The generator writes rows in bulk on purpose: it creates a
whole past at once, with past timestamps, rather than acting as a user.
"""

from dualcert.core.demo.accounts import LOGINS, PASSWORD, logins_table
from dualcert.core.demo.generator import (
    DEFAULT_SEED,
    DEFAULT_WORKERS,
    CatalogueMissing,
    DemoReport,
    demo_generate,
)
from dualcert.core.demo.reset import demo_present, demo_reset

__all__ = [
    "DEFAULT_SEED", "DEFAULT_WORKERS", "LOGINS", "PASSWORD", "CatalogueMissing", "DemoReport",
    "demo_generate", "demo_present", "demo_reset", "logins_table",
]
