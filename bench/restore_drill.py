"""Restore drill: a base backup and archived WAL (deploy/pgbackup.sh) restored to a scratch
cluster at a point in time, then `ravao check` and a tracing query against it.

    sudo .venv/bin/python bench/restore_drill.py [--people 20000] [--days 3] [--checkins-per-day N] [--keep]

1. A primary of its own (port 55434, under /tmp/ravao-drill) with archive_mode on and
   ``pgbackup.sh archive`` as archive_command; a province simulated into it (``ravao
   simulate``), a tracer and an open case.
2. ``pgbackup.sh base`` (timed), then check-ins written after it: some before the target time
   T, some after.
3. ``pgbackup.sh restore`` to a scratch directory with recovery_target_time = T, started on
   port 55435 (timed until it has promoted), and checked: the visits are exactly those committed
   before T, ``ravao check --deploy``-free ``ravao check`` passes, ``ravao trace`` lists the
   case's contacts.
4. Retention: a base backup older than the keep period is pruned with its WAL, and a keep
   period longer than RAVAO_RETENTION_DAYS is refused.

Everything is stopped and removed at the end (``--keep`` leaves it for a look).
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAVAO = str(ROOT / ".venv" / "bin" / "ravao")
SCRIPT = ROOT / "deploy" / "pgbackup.sh"
DRILL = Path(os.environ.get("RAVAO_DRILL_DIR", "/tmp/ravao-drill"))
PRIMARY, RESTORED = 55434, 55435
PGBIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
DB = "ravao_drill"


def as_pg(*cmd, env=None, check=True, capture=True) -> str:
    full = ["runuser", "-u", "postgres", "--", "env", *[f"{k}={v}" for k, v in (env or {}).items()], *map(str, cmd)]
    out = subprocess.run(full, check=False, capture_output=capture, text=True)
    if check and out.returncode:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{out.stdout}\n{out.stderr}")
    return (out.stdout or "").strip()


def psql(port: int, sql: str, db: str = DB) -> str:
    return as_pg("psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", db, "-Atq", "-c", sql)


def ravao(port: int, *args, check=True) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "RAVAO_DB_"))}
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/{DB}"
    out = subprocess.run([RAVAO, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if check and out.returncode:
        raise SystemExit(f"ravao {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout.strip()


def backup_env(**extra) -> dict:
    return {"PGBACKUP_DIR": DRILL / "archive", "PGHOST": "127.0.0.1", "PGPORT": PRIMARY, "PGUSER": "postgres", **extra}


CLONE = """
from datetime import timedelta
from django.utils import timezone
from ravao.checkins.models import Visit
now = timezone.now()
rows = list(Visit.objects.order_by("id")[:{n}])
for v in rows:
    v.pk = None
    v.checked_in_at, v.checked_out_at = now, now + timedelta(minutes=30)
Visit.objects.bulk_create(rows)
print(Visit.objects.count())
"""

CASE = """
from datetime import timedelta
from django.db.models import Count
from ravao.accounts.models import User
from ravao.checkins.models import Visit
from ravao.tracing.models import Case
from ravao.units.models import Unit
top = Visit.objects.values("person_id").annotate(n=Count("id")).order_by("-n").first()
first = Visit.objects.filter(person_id=top["person_id"]).order_by("checked_in_at").first()
unit = Unit.objects.get(generation="2025", code="46")
case = Case.objects.create(person_id=top["person_id"], unit=unit, created_by=User.objects.get(username="truyvet"),
                           infectious_from=first.checked_in_at - timedelta(days=1),
                           infectious_to=first.checked_in_at + timedelta(days=3))
print(case.pk)
"""


def start_primary() -> None:
    as_pg(PGBIN / "initdb", "-D", DRILL / "primary", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    conf = (
        f"port = {PRIMARY}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{DRILL}'\n"
        "wal_level = replica\narchive_mode = on\n"
        f"archive_command = 'PGBACKUP_DIR={DRILL / 'archive'} {SCRIPT} archive %p %f'\n"
    )
    with (DRILL / "primary" / "postgresql.conf").open("a") as f:
        f.write(conf)
    as_pg(PGBIN / "pg_ctl", "-D", DRILL / "primary", "-l", DRILL / "primary.log", "-w", "start")
    psql(PRIMARY, f"CREATE DATABASE {DB}", db="postgres")


def wait_archived(port: int) -> None:
    """Switch to a new WAL segment and wait until the archiver has copied the old one."""
    segment = psql(port, "SELECT pg_walfile_name(pg_current_wal_lsn())")
    psql(port, "SELECT pg_switch_wal()")
    for _ in range(300):
        done = psql(port, "SELECT last_archived_wal FROM pg_stat_archiver")
        if done and done >= segment:
            return
        time.sleep(0.1)
    raise SystemExit("WAL was not archived in 30 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--venues", type=int, default=1000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--checkins-per-day", type=int, default=0, help="default: the simulator's")
    parser.add_argument("--keep", action="store_true", help="leave the clusters running")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root (PostgreSQL's tools run as the postgres user)")
    if DRILL.exists():
        sys.exit(f"{DRILL} exists: remove it first")
    DRILL.mkdir(parents=True)
    shutil.chown(DRILL, "postgres", "postgres")
    try:
        drill(args)
    finally:
        if not args.keep:
            for node in ("restored", "primary"):
                if (DRILL / node / "postmaster.pid").exists():
                    as_pg(PGBIN / "pg_ctl", "-D", DRILL / node, "-m", "immediate", "-w", "stop", check=False)
            shutil.rmtree(DRILL, ignore_errors=True)


def drill(args) -> None:
    t = time.monotonic()
    start_primary()
    ravao(PRIMARY, "migrate", "--noinput")
    ravao(PRIMARY, "loadunits", "--generation", "2025")
    print(
        ravao(
            PRIMARY,
            "simulate",
            "--seed",
            "1",
            "--unit",
            "46",
            "--venues",
            str(args.venues),
            "--people",
            str(args.people),
            "--days",
            str(args.days),
            *(["--checkins-per-day", str(args.checkins_per_day)] if args.checkins_per_day else []),
        ).splitlines()[-1]
    )
    subprocess.run(
        [RAVAO, "adduser", "truyvet", "--role", "tracer", "--unit", "46", "--password-stdin"],
        input="drill-password-123\n",
        text=True,
        check=True,
        capture_output=True,
        env={**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PRIMARY}/{DB}"},
    )
    case_id = ravao(PRIMARY, "shell", "-c", CASE).splitlines()[-1]
    size = int(psql(PRIMARY, f"SELECT pg_database_size('{DB}')"))
    visits = int(psql(PRIMARY, "SELECT count(*) FROM checkins_visit"))
    print(f"== data: {visits:,} visits, database {size / 1e6:.0f} MB (set up in {time.monotonic() - t:.0f} s)")

    t = time.monotonic()
    print(as_pg(SCRIPT, "base", env=backup_env()))
    base_s = time.monotonic() - t

    before = int(ravao(PRIMARY, "shell", "-c", CLONE.format(n=500)).splitlines()[-1])
    time.sleep(1.2)
    target = psql(PRIMARY, "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
    time.sleep(1.2)
    after = int(ravao(PRIMARY, "shell", "-c", CLONE.format(n=700)).splitlines()[-1])
    wait_archived(PRIMARY)
    print(f"== after the base backup: {before:,} visits at T = {target}, {after:,} later")
    print(as_pg(SCRIPT, "list", env=backup_env()))

    t = time.monotonic()
    restored = DRILL / "restored"
    print(as_pg(SCRIPT, "restore", restored, target, env=backup_env()))
    with (restored / "postgresql.auto.conf").open("a") as f:  # a scratch copy: its own port, no archiving
        f.write(f"port = {RESTORED}\narchive_mode = off\n")
    as_pg(PGBIN / "pg_ctl", "-D", restored, "-l", DRILL / "restored.log", "-w", "-t", "600", "start")
    while psql(RESTORED, "SELECT pg_is_in_recovery()") != "f":
        time.sleep(0.2)
    restore_s = time.monotonic() - t
    got = int(psql(RESTORED, "SELECT count(*) FROM checkins_visit"))
    print(f"== restored to T in {restore_s:.1f} s: {got:,} visits (expected {before:,})")
    assert got == before, "the point-in-time restore does not hold exactly the visits committed before T"
    print("   ravao check:", ravao(RESTORED, "check") or "(silent)")
    t = time.monotonic()
    trace = ravao(RESTORED, "trace", case_id, "--as", "truyvet")
    print(f"   ravao trace {case_id} ({time.monotonic() - t:.1f} s): {trace.splitlines()[0] if trace else '(nothing)'}")

    # Retention: a base backup older than the keep period goes, with the WAL before the next one.
    old = DRILL / "archive" / "base" / "20000101T000000Z"
    as_pg("mkdir", "-p", old)
    as_pg(
        "sh",
        "-c",
        f"date -u -d '40 days ago' +%Y-%m-%dT%H:%M:%SZ > {old}/TAKEN_AT && echo 000000010000000000000001 > "
        f"{old}/START_WAL",
    )
    print(as_pg(SCRIPT, "prune", env=backup_env(RAVAO_BACKUP_KEEP_DAYS=7)))
    assert not old.exists()
    refused = subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            "env",
            f"PGBACKUP_DIR={DRILL / 'archive'}",
            "RAVAO_RETENTION_DAYS=30",
            "RAVAO_BACKUP_KEEP_DAYS=45",
            str(SCRIPT),
            "prune",
        ],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2, refused
    print(f"   {refused.stderr.strip()}")
    print(
        f"== summary: {size / 1e6:.0f} MB database, base backup {base_s:.1f} s, restore to a point in time "
        f"{restore_s:.1f} s ({restore_s / 60:.1f} min), 0 visits lost or extra"
    )


if __name__ == "__main__":
    main()
