"""Settings of the server bench/verify.py starts: the project's own, with a bench URLconf.

Only ROOT_URLCONF differs, so the verification API and the minimal view it is compared
with run behind the same middleware, database settings and workers.
"""

from dualcert.settings import *  # noqa: F403

ROOT_URLCONF = "bench.verify_urls"
