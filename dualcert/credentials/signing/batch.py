"""Many payloads at once: the loop the API's batch call, `dualcert verify` and the bench share.

Plain Python over an already loaded trust store: no database, and the clock is read once,
so a batch is judged at one moment.
"""

import time
from collections.abc import Iterable

from dualcert.credentials.signing.trust import TrustStore
from dualcert.credentials.signing.verify import Outcome, verify


def verify_many(
    texts: Iterable[str], trust: TrustStore, *, now: float | None = None
) -> list[Outcome]:
    """One outcome per text, in order (`verify`'s rules; a payload or a URL carrying one)."""
    at = time.time() if now is None else now
    return [verify(text, trust, now=at) for text in texts]
