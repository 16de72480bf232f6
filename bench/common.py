"""Shared helpers for the benchmarks: the machine, bench databases, a production-like server.

Every benchmark prints the machine it ran on (CPU model, cores, memory, load average), because
figures from a shared 2-core machine only mean something next to their baseline and load.
"""

import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RAVAO = str(BIN / "ravao") if (BIN / "ravao").exists() else shutil.which("ravao") or "ravao"
PG = os.environ.get("RAVAO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory": mem,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "postgres": _pg_version(),
    }


def _pg_version() -> str:
    try:
        out = subprocess.run(
            ["psql", f"{PG}/postgres", "-Atc", "show server_version"], capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def print_machine(title: str) -> dict:
    m = machine()
    print(f"== {title}")
    print(
        f"   {m['date']} · {m['cpu']} · {m['nproc']} cores · {m['memory']} · load {m['load']} · "
        f"Python {m['python']} · PostgreSQL {m['postgres']}"
    )
    return m


def psql(db: str, sql: str, *, check=True) -> str:
    out = subprocess.run(
        ["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-Atqc", sql], capture_output=True, text=True, check=False
    )
    if check and out.returncode:
        raise RuntimeError(out.stderr)
    return out.stdout.strip()


def db_url(db: str) -> str:
    return f"{PG}/{db}"


def ravao(db: str, *args: str, env: dict | None = None, quiet=False) -> str:
    # Synthetic data on derived keys: allowed as a demonstration (ravao/core/failclosed.py).
    full = {**os.environ, "RAVAO_DEMO": "1", "DATABASE_URL": db_url(db), **(env or {})}
    out = subprocess.run([RAVAO, *args], env=full, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"ravao {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    if not quiet and out.stdout.strip():
        print("   " + out.stdout.strip().splitlines()[-1])
    return out.stdout


def fresh_db(db: str) -> None:
    """Drop and recreate a bench database (names must start with bench_), migrate, load units."""
    assert db.startswith("bench_") or "_bench" in db, "bench databases are named bench_* or *_bench*"
    psql("postgres", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql("postgres", f'CREATE DATABASE "{db}"')
    ravao(db, "migrate", "--noinput", quiet=True)
    ravao(db, "loadunits", "--generation", "2025", quiet=True)


def db_exists(db: str) -> bool:
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def production_env(db: str, **extra) -> dict:
    """What a production deployment sets (DEBUG off, a real secret, PostgreSQL)."""
    return {
        **os.environ,
        "DATABASE_URL": db_url(db),
        "RAVAO_DEBUG": "0",
        "RAVAO_SECRET_KEY": os.environ.get("RAVAO_BENCH_SECRET", secrets.token_urlsafe(50)),
        "RAVAO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RAVAO_LOG_LEVEL": "WARNING",
        # Keys derived from the random secret: synthetic data only (ravao/core/failclosed.py).
        "RAVAO_DEMO": "1",
        **extra,
    }


class Server:
    """`ravao serve` (granian: the ingestion front and Django) in the background; stopped by its own pid."""

    def __init__(self, env: dict, *, port: int, workers: int, threads: int = 1, root: Path | None = None):
        """``root``: another checkout of Ravao to serve instead of this one (its code first on
        the path, this environment's packages): the previous commit, in the same run."""
        self.port, self.env = port, env
        if root is not None:
            env = {**env, "PYTHONPATH": str(root)}
        # The server's log goes to a file: a pipe nobody reads fills up (64 KB) and then blocks
        # every worker that logs (a 4xx is logged as a warning).
        self.log = Path(f"/tmp/ravao-bench-server-{port}.log")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [RAVAO, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )

    def wait_ready(self, path="/healthz", timeout=60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.log.read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("server did not start")

    def log_lines(self) -> int:
        """Lines the server has logged so far (warnings and errors: none expected under load)."""
        try:
            return self.log.read_text(errors="replace").count("\n")
        except OSError:
            return 0

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(p) for p in children]

    def rss_mb(self) -> list[float]:
        out = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        out.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return out

    def cpu_seconds(self) -> float:
        """User + system CPU consumed so far by the workers."""
        return sum(proc_cpu(pid) for pid in self.worker_pids())

    def cpu_split(self) -> tuple[float, float]:
        """(user, system) CPU seconds consumed so far by the workers."""
        user = system = 0.0
        for pid in self.worker_pids():
            u, s = proc_cpu_split(pid)
            user, system = user + u, system + s
        return user, system

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def proc_cpu(pid: int) -> float:
    return sum(proc_cpu_split(pid))


def proc_cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def db_backends_cpu(db: str) -> float:
    """CPU used so far by every PostgreSQL backend connected to ``db`` (same host)."""
    pids = psql("postgres", f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}'").split()
    return sum(proc_cpu(int(p)) for p in pids)


def pgbench_insert(db: str, sql: str, *, clients: int, seconds: int, variables: dict[str, int]) -> dict:
    """The durable-insert floor: ``sql`` as a pgbench script, one statement per transaction."""
    script = Path(f"/tmp/ravao-bench-{os.getpid()}.sql")
    lines = [f"\\set {name} random({lo}, {hi})" for name, (lo, hi) in variables.items()]
    script.write_text("\n".join(lines + [sql]) + "\n")
    out = subprocess.run(
        [
            "pgbench",
            "-n",
            "-M",
            "prepared",
            "-c",
            str(clients),
            "-j",
            str(min(clients, 2)),
            "-T",
            str(seconds),
            "-f",
            str(script),
            db_url(db),
        ],
        capture_output=True,
        text=True,
    )
    script.unlink(missing_ok=True)
    if out.returncode:
        raise RuntimeError(out.stderr)
    result = {"raw": out.stdout}
    for line in out.stdout.splitlines():
        if line.startswith("tps ="):
            result["tps"] = float(line.split()[2])
        if line.startswith("latency average"):
            result["latency_ms"] = float(line.split()[3])
    return result


def save(name: str, data: dict) -> Path:
    """Keep the raw figures next to the benchmarks (git-ignored results directory)."""
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{name}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path
