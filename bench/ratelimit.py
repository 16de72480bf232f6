"""Benchmark: the cost of one rate-limit check on the check-in path, per cache back end.

    .venv/bin/python bench/ratelimit.py [--hits 20000] [--redis redis://127.0.0.1:6379/15]

Times ``ravao.core.ratelimit.check`` (the one limiter: keyed hash of the address, INCR, ADD on
the first hit of a window) against the same-run baseline of the hand-made check it replaced
(``cache.add`` + ``cache.incr`` on the raw address), on the in-memory cache and on Redis; then
8 threads × 500 hits on Django's file cache to show why it is not offered as a shared default
(its ``incr`` is a read then a write: counts get lost). Figures go to docs/performance.md.
"""

import argparse
import os
import sys
import tempfile
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=20000)
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
            except Exception as exc:  # noqa: BLE001 - no Redis here: say so, go on
                print(f"   {label:26} skipped ({exc.__class__.__name__})")
                continue
            before, after = per_hit_us(old_check, args.hits), per_hit_us(new_check, args.hits)
            print(f"   {label:26} {before:>17.1f} µs {after:>13.1f} µs")
            cache.clear()
    with tempfile.TemporaryDirectory() as tmp:
        tries, counted = lost_counts({"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": tmp}})
    print(f"   file cache, 8 threads: {tries} hits, {counted} counted ({tries - counted} lost: incr is not atomic)")
    tries, counted = lost_counts({"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
    print(f"   in-memory cache, 8 threads: {tries} hits, {counted} counted")


if __name__ == "__main__":
    main()
