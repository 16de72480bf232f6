"""deploy/pgbackup.sh without a server: retention (never longer than RAVAO_RETENTION_DAYS, WAL
older than the oldest base backup left goes too) and the archive_command's idempotence. The
whole backup and point-in-time restore runs in bench/restore_drill.py."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "pgbackup.sh"
PGBIN = (
    next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
    if Path("/usr/lib/postgresql").exists()
    else None
)

pytestmark = pytest.mark.skipif(
    PGBIN is None or not (PGBIN / "pg_archivecleanup").exists(),
    reason="PostgreSQL's client tools (pg_archivecleanup) are not installed",
)


def run(archive: Path, *args, **env):
    full = {**os.environ, "PGBACKUP_DIR": str(archive), **{k: str(v) for k, v in env.items()}}
    return subprocess.run(["bash", str(SCRIPT), *args], env=full, capture_output=True, text=True, timeout=60)


def base(archive: Path, name: str, days_ago: int, start_wal: str):
    d = archive / "base" / name
    d.mkdir(parents=True)
    taken = subprocess.run(
        ["date", "-u", "-d", f"{days_ago} days ago", "+%Y-%m-%dT%H:%M:%SZ"], capture_output=True, text=True, check=True
    ).stdout
    (d / "TAKEN_AT").write_text(taken)
    (d / "START_WAL").write_text(start_wal + "\n")
    return d


def wal(archive: Path, *names):
    (archive / "wal").mkdir(parents=True, exist_ok=True)
    for n in names:
        (archive / "wal" / n).write_bytes(b"x")


def test_it_refuses_to_keep_backups_longer_than_the_retention_period(tmp_path):
    r = run(tmp_path, "prune", RAVAO_RETENTION_DAYS=30, RAVAO_BACKUP_KEEP_DAYS=31)
    assert r.returncode == 2 and "exceeds RAVAO_RETENTION_DAYS" in r.stderr


def test_it_prunes_old_base_backups_and_the_wal_before_the_oldest_kept(tmp_path):
    old = base(tmp_path, "20260101T000000Z", 9, "000000010000000000000002")
    kept = base(tmp_path, "20260108T000000Z", 2, "000000010000000000000005")
    wal(
        tmp_path,
        "000000010000000000000002",
        "000000010000000000000004",
        "000000010000000000000005",
        "000000010000000000000006",
    )
    r = run(tmp_path, "prune", RAVAO_RETENTION_DAYS=30, RAVAO_BACKUP_KEEP_DAYS=7)
    assert r.returncode == 0, r.stderr
    assert not old.exists() and kept.exists()
    assert sorted(p.name for p in (tmp_path / "wal").iterdir()) == [
        "000000010000000000000005",
        "000000010000000000000006",
    ]


def test_without_a_base_backup_left_no_wal_is_kept(tmp_path):
    base(tmp_path, "20260101T000000Z", 40, "000000010000000000000002")
    wal(tmp_path, "000000010000000000000003")
    assert run(tmp_path, "prune", RAVAO_BACKUP_KEEP_DAYS=7).returncode == 0
    assert not list((tmp_path / "wal").iterdir()) and not list((tmp_path / "base").iterdir())


def test_archiving_a_segment_twice_is_harmless_but_never_overwrites_another(tmp_path):
    segment = tmp_path / "000000010000000000000007"
    segment.write_bytes(b"wal bytes")
    archive = tmp_path / "archive"
    assert run(archive, "archive", segment, segment.name).returncode == 0
    assert run(archive, "archive", segment, segment.name).returncode == 0
    segment.write_bytes(b"other bytes")
    assert run(archive, "archive", segment, segment.name).returncode == 1
    assert (archive / "wal" / segment.name).read_bytes() == b"wal bytes"
