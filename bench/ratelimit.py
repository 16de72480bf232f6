"""Benchmark: the cost of one rate-limit check on the check-in path, per cache back end.

    .venv/bin/python bench/ratelimit.py [--hits 20000] [--redis redis://127.0.0.1:6379/15]

Times ``ravao.core.ratelimit.check`` (the one limiter: keyed hash of the address, INCR, ADD on
the first hit of a window) against the same-run baseline of the hand-made check it replaced
(``cache.add`` + ``cache.incr`` on the raw address), on the in-memory cache and on Redis; then
8 threads × 500 hits on Django's file cache to show why it is not offered as a shared default
(its ``incr`` is a read then a write: counts get lost). ``--checkins N``: also N public check-ins
in process (Django test client, a fresh SQLite database in a temporary directory), alternating
blocks with the limiter and with the hand-made check, process CPU per check-in for each.
Figures go to docs/performance.md.
"""

import argparse
import os
import sys
import tempfile

if "--checkins" in sys.argv:  # a throw-away database, before Django reads the settings
    os.environ["RAVAO_DATA_DIR"] = tempfile.mkdtemp(prefix="ravao-bench-rl-")
    os.environ.pop("DATABASE_URL", None)
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravao.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import override_settings  # noqa: E402

from bench.common import print_machine  # noqa: E402
from ravao.core import ratelimit  # noqa: E402


def old_check(ip: str) -> None:
    """The hand-made check of ravao/checkins/services.py before the limiter (the baseline)."""
    key = f"ravao:checkin-rate:{ip}:{int(time.time()) // 60}"
    cache.add(key, 0, 65)
    try:
        cache.incr(key)
    except ValueError:
        pass


def new_check(ip: str) -> None:
    ratelimit.check("bench-rate", ip, limit=10**9, window=60, message="")


def per_hit_us(fn, hits: int) -> float:
    ips = [f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}" for i in range(1000)]  # 1,000 visitors
    for ip in ips:  # warm: the first hit of each window costs one more round trip
        fn(ip)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for i in range(hits):
            fn(ips[i % 1000])
        best = min(best, (time.perf_counter() - start) / hits * 1e6)
    return best


def lost_counts(caches: dict) -> tuple[int, int]:
    with override_settings(CACHES=caches):
        cache.clear()
        start = threading.Barrier(8)

        def work():
            start.wait()
            for _ in range(500):
                ratelimit.hit("bench-lost", "x", window=3600)

        workers = [threading.Thread(target=work) for _ in range(8)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return 8 * 500, ratelimit.count("bench-lost", "x", window=3600)


def checkin_cpu_ms(n: int) -> tuple[float, float]:
    """Process CPU per public check-in (ms), limiter vs hand-made check, in alternating blocks."""
    import uuid

    from django.core.management import call_command
    from django.test import Client

    from ravao.checkins import services
    from ravao.testing import make_small_map
    from ravao.venues.testing import make_venue

    call_command("migrate", verbosity=0)
    venue = make_venue(make_small_map().commune_a)
    client, limiter = Client(), services.check_rate

    def old(request):
        old_check(request.META.get("REMOTE_ADDR", ""))

    def post(i):
        body = {
            "venue": venue.code,
            "client_id": str(uuid.uuid4()),
            "person": {"full_name": "Nguyễn Văn An", "phone": f"09{i % 90000000 + 10000000}", "birth_year": 1990},
        }
        res = client.post(
            "/api/v1/checkins", body, content_type="application/json", REMOTE_ADDR=f"10.1.{i % 250}.{i // 250 % 250}"
        )
        assert res.status_code == 201, res.content

    totals = {"limiter": 0.0, "hand-made": 0.0}
    for i in range(20):  # warm-up: imports, prepared caches
        post(10**6 + i)
    block = 50
    for start in range(0, n, block * 2):
        order = [("limiter", limiter), ("hand-made", old)]
        for label, check in order if start // (block * 2) % 2 else order[::-1]:  # neither always first
            services.check_rate = check
            t = time.process_time()
            for i in range(start, start + block):
                post(i if label == "limiter" else i + block)
            totals[label] += time.process_time() - t
    services.check_rate = limiter
    runs = n // (block * 2) * block
    return totals["limiter"] / runs * 1000, totals["hand-made"] / runs * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=20000)
    parser.add_argument("--checkins", type=int, default=0)
    parser.add_argument("--redis", default=os.environ.get("RAVAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    args = parser.parse_args()
    print_machine("rate limit check, per hit (best of 3)")
    backends = {"in-memory (LocMemCache)": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    backends["Redis (RedisCache)"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": args.redis}
    print(f"   {'cache':26} {'hand-made (before)':>20} {'ratelimit.check':>16}")
    for label, conf in backends.items():
        with override_settings(CACHES={"default": conf}):
            try:
                cache.clear()
            except Exception as exc:  # no Redis here: say so, go on
                print(f"   {label:26} skipped ({exc.__class__.__name__})")
                continue
            before, after = per_hit_us(old_check, args.hits), per_hit_us(new_check, args.hits)
            print(f"   {label:26} {before:>17.1f} µs {after:>13.1f} µs")
            cache.clear()
    with tempfile.TemporaryDirectory() as tmp:
        tries, counted = lost_counts(
            {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": tmp}}
        )
    print(f"   file cache, 8 threads: {tries} hits, {counted} counted ({tries - counted} lost: incr is not atomic)")
    tries, counted = lost_counts({"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
    print(f"   in-memory cache, 8 threads: {tries} hits, {counted} counted")
    if args.checkins:
        new_ms, old_ms = checkin_cpu_ms(args.checkins)
        print(f"   public check-in in process, CPU per check-in: limiter {new_ms:.2f} ms, hand-made {old_ms:.2f} ms")


if __name__ == "__main__":
    main()
