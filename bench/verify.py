"""Verification benchmark: offline throughput against bare Ed25519, API requests/s against Django.

    .venv/bin/python bench/verify.py [--payloads 100000] [--seconds 10] [--connections 4]

(a) times `verify_many` (the loop of `dualcert verify`) over signed payloads of several
issuers, a few revoked, against a bare `Ed25519PublicKey.verify` loop over the same
signatures and messages; (b) loads the single verification endpoint and a minimal Django
JSON view, served by the same gunicorn on 127.0.0.1, with wrk: once with the verification
log written in each request, once written behind (VERIFICATION_LOG_DELAY_MS). The data lives
in a database made for the run (temporary SQLite, or a `dualcert_bench_verify` database on
the PostgreSQL server DATABASE_URL names) and removed afterwards. See bench/README.md.
"""

import argparse
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pipeline import _close_connections, fresh_database  # noqa: E402

BENCH_DATABASE = "dualcert_bench_verify"
WRK = shutil.which("wrk") or "/usr/bin/wrk"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--payloads", type=int, default=100_000)
    parser.add_argument("--revoked", type=int, default=5, help="certificates revoked first")
    parser.add_argument("--workers", type=int, default=200, help="demo workers (issuers' data)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="timed rounds of each offline loop; the best is reported")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    parser.add_argument("--api-rounds", type=int, default=2,
                        help="alternating rounds of minimal view and API per server")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--log-delay", type=int, default=500,
                        help="VERIFICATION_LOG_DELAY_MS of the second API run")
    parser.add_argument("--skip-api", action="store_true", help="only the offline part")
    return parser.parse_args(argv)


def setup_django(url: str, key_dir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["SIGNING_KEY_DIR"] = key_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dualcert.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log


# ---------------------------------------------------------------- data


@dataclass
class Data:
    texts: list[str]
    verdicts_expected: Counter[str]
    issuers: int
    employer_username: str


def build(*, workers: int, revoked: int) -> tuple[list[Any], int]:
    """Catalogue, a small demo (its certificates signed by their issuers), a few revoked."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from dualcert.core.demo import demo_generate
    from dualcert.credentials.models import Certificate
    from dualcert.credentials.services import certificate_revoke

    call_command("load_catalog", stdout=io.StringIO())
    demo_generate(workers=workers, seed=2026)
    bureau = get_user_model().objects.get(username="bureau")
    certificates = list(
        Certificate.objects.filter(status=Certificate.Status.VALID)
        .select_related("certificate_type__occupation", "worker", "signing_key")
        .order_by("number")
    )
    for certificate in certificates[:: max(1, len(certificates) // max(revoked, 1))][:revoked]:
        certificate_revoke(actor=bureau, certificate=certificate, reason="bench")
    certificates = list(
        Certificate.objects.exclude(signing_key=None)
        .select_related("certificate_type__occupation", "worker", "signing_key")
        .order_by("number")
    )
    issuers = len({c.signing_key.issuer_code for c in certificates})
    return certificates, issuers


def make_payloads(certificates: list[Any], count: int) -> list[str]:
    """`count` payloads signed by each certificate's issuer key, in turn.

    A revoked certificate keeps its number (and so its verdict); the others' numbers get a
    running suffix, so every payload is a different signed message.
    """
    from dualcert.credentials.models import Certificate
    from dualcert.credentials.signing import payload as cose
    from dualcert.credentials.signing.keys import _expires_at, payload_claims, private_key_for
    from dualcert.credentials.signing.trust import unb64url

    now = int(time.time())
    prepared = []
    for certificate in certificates:
        key = certificate.signing_key
        prepared.append((certificate.status == Certificate.Status.REVOKED,
                         payload_claims(certificate), key, private_key_for(key),
                         _expires_at(certificate)))
    texts = []
    for index in range(count):
        revoked, claims, key, private_key, expires_at = prepared[index % len(prepared)]
        number = claims["n"] if revoked else f"{claims['n']}-{index}"
        signed = cose.claims_for(issuer=key.issuer_code, issued_at=now, expires_at=expires_at,
                                 certificate={**claims, "n": number})
        texts.append(cose.sign(signed, kid=unb64url(key.kid), private_key=private_key))
    return texts


# ---------------------------------------------------------------- (a) offline


def _timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def offline(texts: list[str], rounds: int) -> tuple[list[str], float]:
    """verify_many against a bare Ed25519 loop over the same signatures, same run."""
    from dualcert.credentials.signing import payload as cose
    from dualcert.credentials.signing.batch import verify_many
    from dualcert.credentials.signing.lists import trust_store_current

    trust = trust_store_current()
    now = time.time()
    verdicts = Counter(str(o.verdict.value) for o in verify_many(texts, trust, now=now))
    signed = []
    for text in texts:
        decoded = cose.decode(text)
        signed.append((trust.keys[decoded.kid].public_key, decoded.signature,
                       decoded.signed_bytes()))

    def bare() -> None:
        for public_key, signature, message in signed:
            public_key.verify(signature, message)

    ours_times, bare_times = [], []
    for _round in range(rounds):  # interleaved, so a burst of other load hits both alike
        ours_times.append(_timed(lambda: verify_many(texts, trust, now=now)))
        bare_times.append(_timed(bare))
    ours, baseline = min(ours_times), min(bare_times)
    count = len(texts)
    sizes = sorted(len(m) for _k, _s, m in signed)
    return [
        f"payloads: {count:,} ({len(trust.keys)} keys on the trust list; verdicts "
        + ", ".join(f"{n:,} {v}" for v, n in verdicts.most_common()) + ")",
        f"  signed message size: {sizes[0]}-{sizes[-1]} bytes, median {sizes[len(sizes) // 2]}",
        f"  verify_many: {count / ours:,.0f} payloads/s ({ours * 1e6 / count:.1f} us each)",
        f"  bare Ed25519PublicKey.verify loop: {count / baseline:,.0f} signatures/s "
        f"({baseline * 1e6 / count:.1f} us each)",
        f"  ratio verify_many / bare: {baseline / ours:.2f} (target >= 0.5; best of {rounds} "
        "interleaved rounds)",
    ], baseline


def whole_command(texts: list[str], folder: Path, baseline: float) -> str:
    """`dualcert verify --from-file` offline with downloaded lists, output discarded."""
    from django.core.management import call_command

    from dualcert.credentials.models import PublishedList
    from dualcert.credentials.signing.lists import latest

    listing, trust, revocations = (folder / name for name in
                                   ("payloads.txt", "trust.json", "revocations.json"))
    listing.write_text("\n".join(texts) + "\n", "utf-8")
    trust.write_text(latest(PublishedList.Kind.TRUST).document, "utf-8")
    revocations.write_text(latest(PublishedList.Kind.REVOCATIONS).document, "utf-8")
    started = time.perf_counter()
    try:
        call_command("verify", "--from-file", str(listing), "--trust-list", str(trust),
                     "--revocations", str(revocations), stdout=io.StringIO(),
                     stderr=io.StringIO())
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    seconds = time.perf_counter() - started
    return (f"  whole `dualcert verify --from-file` with list files (reading the file, one "
            f"output line each): {len(texts) / seconds:,.0f} payloads/s, ratio to the bare "
            f"loop {baseline / seconds:.2f}, exit status {status}")


# ---------------------------------------------------------------- (b) API under wrk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str, key_dir: str, workers: int, log_delay_ms: int = 0) -> Iterator[str]:
    """gunicorn serving the bench URLconf on 127.0.0.1; stopped when the block ends."""
    port = free_port()
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "bench.verify_settings", "DATABASE_URL": url,
        "SIGNING_KEY_DIR": key_dir, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(40),
        "ID_NUMBER_KEY": "dev-only-id-number-key", "DB_CONN_MAX_AGE": "600",
        "VERIFICATION_LOG_DELAY_MS": str(log_delay_ms), "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dualcert.wsgi:application", "--workers",
         str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/bench/minimal", process)
        yield base
    finally:
        process.terminate()  # graceful: workers write what log rows they hold, then exit
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            request = urllib.request.Request(url, data=b"{}", method="POST")  # noqa: S310
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


@dataclass
class Load:
    name: str
    requests_per_s: float
    latency: dict[str, str]
    requests: int
    errors: int

    def line(self) -> str:
        spread = ", ".join(f"{k} {v}" for k, v in self.latency.items())
        flag = f"; {self.errors:,} NON-2xx OR SOCKET ERRORS" if self.errors else ""
        return (f"  {self.name}: {self.requests_per_s:,.0f} req/s ({self.requests:,} requests; "
                f"latency {spread}){flag}")


LUA = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. {token}
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII is a valid Lua string literal


def wrk(name: str, url: str, script: Path, *, seconds: int, connections: int,
        threads: int) -> Load:
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True,
                            timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    done = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    average = re.search(r"Latency\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    latency = {"avg": average}
    for share in ("50", "90", "99"):
        found = re.search(rf"^\s+{share}%\s+(\S+)", output, re.MULTILINE)
        latency[f"p{share}"] = found.group(1) if found else "?"
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return Load(name, rate, latency, done, errors)


API = "POST /api/credentials/verify (Bearer token)"


def api_load(url: str, key_dir: str, texts: list[str], username: str,
             args: argparse.Namespace, folder: Path) -> list[str]:
    """Both endpoints under wrk, once with the log written per request, once written behind."""
    from django.contrib.auth import get_user_model

    from dualcert.core.tokens import api_token_create
    from dualcert.credentials.signing.lists import trust_store_current
    from dualcert.credentials.signing.verify import verify

    _record, token = api_token_create(actor=None, user=get_user_model().objects.get(
        username=username), name="bench")
    trust = trust_store_current()
    valid = next(text for text in texts if verify(text, trust).valid)
    script = folder / "post.lua"
    body = json.dumps({"payload": valid})
    script.write_text(LUA.format(body=_lua_string(body), token=_lua_string(token)), "utf-8")
    _close_connections()  # the server's workers get their own
    lines = [f"API under wrk ({args.threads} threads, {args.connections} connections, "
             f"{args.seconds} s each after a 2 s warm-up; gunicorn, {args.server_workers} sync "
             "workers on 127.0.0.1, persistent database connections):"]
    for delay, mode in ((0, "VERIFICATION_LOG_DELAY_MS=0: log row written in each request"),
                        (args.log_delay, f"VERIFICATION_LOG_DELAY_MS={args.log_delay}: log "
                                         "rows written behind, in batches (the default is 500)")):
        lines.append(f" {mode}")
        lines += _one_server(url, key_dir, script, delay, args)
    return lines


def _one_server(url: str, key_dir: str, script: Path, delay: int,
                args: argparse.Namespace) -> list[str]:
    """Minimal view and API in turn, `--api-rounds` times; the best round of each reported."""
    from dualcert.credentials.models import Verification

    before = Verification.objects.count()
    _close_connections()
    runs: dict[str, list[Load]] = {"minimal Django JSON view": [], API: []}
    answered = 0
    with server(url, key_dir, args.server_workers, delay) as base:
        targets = {"minimal Django JSON view": f"{base}/bench/minimal",
                   API: f"{base}/api/credentials/verify"}
        for name, target in targets.items():  # warm-up: imports, connections, caches
            answered += wrk(name, target, script, seconds=2, connections=args.connections,
                            threads=args.threads).requests * (name == API)
        for _round in range(args.api_rounds):
            for name, target in targets.items():
                runs[name].append(wrk(name, target, script, seconds=args.seconds,
                                      connections=args.connections, threads=args.threads))
    answered += sum(load.requests for load in runs[API])
    logged = Verification.objects.count() - before
    _close_connections()
    best = {name: max(loads, key=lambda load: load.requests_per_s)
            for name, loads in runs.items()}
    rounds = " · ".join(
        f"{m.requests_per_s:,.0f}/{a.requests_per_s:,.0f}"
        for m, a in zip(runs["minimal Django JSON view"], runs[API], strict=True))
    minimal, api = best["minimal Django JSON view"], best[API]
    return [
        minimal.line(), api.line(),
        f"  ratio API / minimal view: {api.requests_per_s / minimal.requests_per_s:.2f} "
        f"(target >= 0.5; best of {args.api_rounds} alternating rounds, minimal/API req/s "
        f"per round: {rounds})",
        f"  verifications logged: {logged:,} for {answered:,} answered (wrk does not count "
        "requests in flight when it stops)",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    key_dir = tempfile.mkdtemp(prefix="dualcert-bench-keys-")
    work = Path(tempfile.mkdtemp(prefix="dualcert-bench-verify-files-"))
    try:
        with fresh_database(BENCH_DATABASE, "dualcert-bench-verify-") as url:
            setup_django(url, key_dir)
            from django.core.management import call_command
            from django.db import connection

            print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            certificates, issuers = build(workers=args.workers, revoked=args.revoked)
            texts = make_payloads(certificates, args.payloads)
            print(f"made {len(texts):,} signed payloads from {len(certificates):,} demo "
                  f"certificates of {issuers} issuers in {time.perf_counter() - started:.1f}s")
            lines, baseline = offline(texts, args.rounds)
            for line in lines:
                print(line)
            print(whole_command(texts, work, baseline))
            if not args.skip_api:
                for line in api_load(url, key_dir, texts, "employer", args, work):
                    print(line)
    finally:
        shutil.rmtree(key_dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
