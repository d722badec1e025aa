"""The benchmark harness: `make bench` (through bench/run.sh) runs this.

1. Drops and creates a separate PostgreSQL database (dichvucong_bench), migrates it and seeds
   it with bench/seed.py (COPY; 2,000 procedures, 1,000,000 dossiers with their history).
2. Starts the portal as in production: gunicorn with sync workers, DEBUG off, PostgreSQL,
   Redis, collected static files, behind what a reverse proxy would give (plain HTTP on the
   loopback, so DJANGO_HTTPS=false and DJANGO_SSL_REDIRECT=false: no redirect, no secure-cookie
   surprise). The API's per-client limits are raised for the load client (DVC_API_ANON_RATE,
   DVC_LOOKUP_RATE).
3. For each scenario of bench/scenarios.py: checks every request once and warms up; then
   measures throughput with wrk at 32 connections in rounds that the scenarios take in turn
   (so load from elsewhere weighs on all alike), then latency with wrk at one connection (p50,
   p95, p99 from wrk's latency histogram through bench/wrk/rotate.lua).
4. Writes bench/REPORT.md, and stops gunicorn whatever happened.

Only the loopback is ever addressed; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import flows  # noqa: E402
from scenarios import SCENARIOS, Scenario  # noqa: E402
from seed import BENCH_PASSWORD, Seeded  # noqa: E402

HOST = "127.0.0.1"
RAISED_RATE = "100000000/min"


@dataclass
class WrkRun:
    label: str
    command: list[str]
    output: str
    data: dict
    # The machine's 1-minute load average when the run started: other work on the same
    # cores (a test suite, say) lowers every figure, the baseline's too.
    load_before: float = 0.0

    @property
    def seconds(self) -> float:
        return self.data["duration_us"] / 1_000_000

    @property
    def rps(self) -> float:
        return self.data["requests"] / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.data["statuses"].items() if not status.startswith("2"))

    @property
    def socket_errors(self) -> int:
        return sum(self.data["socket_errors"].values())

    def latency_ms(self, key: str) -> float:
        return self.data["latency_us"][key] / 1000


@dataclass
class Throughput:
    """A scenario's rounds at 32 connections, taken in turn with the other scenarios'."""

    runs: list[WrkRun]

    @property
    def rps(self) -> float:
        seconds = sum(run.seconds for run in self.runs)
        return sum(run.data["requests"] for run in self.runs) / seconds if seconds else 0.0

    @property
    def statuses(self) -> dict[str, int]:
        merged: dict[str, int] = {}
        for run in self.runs:
            for status, count in run.data["statuses"].items():
                merged[status] = merged.get(status, 0) + count
        return merged

    @property
    def non_2xx(self) -> int:
        return sum(run.non_2xx for run in self.runs)

    @property
    def socket_errors(self) -> int:
        return sum(run.socket_errors for run in self.runs)

    @property
    def load_before(self) -> float:
        return sum(run.load_before for run in self.runs) / len(self.runs)


@dataclass
class ScenarioResult:
    scenario: Scenario
    sample_statuses: dict[str, int]
    throughput: Throughput
    latency: WrkRun


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def run(command: list[str], *, env: dict | None = None, timeout: int = 600) -> str:
    result = subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{shlex.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def recreate_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def postgres_version(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT version()").fetchone()[0]


# A monitor's token for this run's servers (/healthz shows its checks only to it).
HEALTH_TOKEN = secrets.token_urlsafe(16)


def wait_healthy(base_url: str, process: subprocess.Popen, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before it was healthy")
        try:
            request = urllib.request.Request(
                f"{base_url}/healthz", headers={"Authorization": f"Bearer {HEALTH_TOKEN}"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                report = json.load(response)
                if report.get("ok"):
                    return report
                last = json.dumps(report)
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}: {exc.read()[:500]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.5)
    raise RuntimeError(f"/healthz did not answer ok within {timeout:.0f} s: {last}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect (to the login page, say) is counted as what it is, not followed to a 200.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def request_headers(scenario: Scenario, seeded: Seeded) -> tuple[str, str]:
    """(Accept, Cookie) of a scenario's requests."""
    accept = "text/html" if scenario.html else "application/json"
    return accept, seeded.session_cookie if scenario.signed_in else ""


def sample_statuses(
    base_url: str, paths: list[str], *, accept: str = "application/json", cookie: str = ""
) -> dict[str, int]:
    """Each request once, before the load: a scenario of errors is not a benchmark."""
    counts: dict[str, int] = {}
    headers = {"Accept": accept, **({"Cookie": cookie} if cookie else {})}
    for path in paths:
        request = urllib.request.Request(f"{base_url}{path}", headers=headers)
        try:
            with _opener.open(request, timeout=10) as response:
                status = response.status
                if accept == "application/json":
                    json.load(response)
                else:
                    response.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
        counts[str(status)] = counts.get(str(status), 0) + 1
    return counts


def wrk(
    label: str,
    base_url: str,
    paths_file: Path,
    *,
    connections: int,
    threads: int,
    seconds: int,
    headers: tuple[str, str] = ("application/json", ""),
) -> WrkRun:
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        f"--script={BENCH_DIR / 'wrk' / 'rotate.lua'}",
        f"{base_url}/",
        "--",
        str(paths_file),
        str(threads),
        *headers,
    ]
    load_before = float(Path("/proc/loadavg").read_text().split()[0])
    output = run(command, timeout=seconds + 60)
    marker = "BENCH_JSON "
    line = next((ln for ln in output.splitlines() if ln.startswith(marker)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result line:\n{output}")
    return WrkRun(
        label=label,
        command=command,
        output=output,
        data=json.loads(line[len(marker) :]),
        load_before=load_before,
    )


def worker_memory(master_pid: int) -> list[dict]:
    """RSS of gunicorn's master and each worker, read from /proc."""
    rows = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry.name), int(fields.get("PPid", "0").strip())
        if pid == master_pid or ppid == master_pid:
            rows.append(
                {
                    "pid": pid,
                    "role": "master" if pid == master_pid else "worker",
                    "rss_mib": int(fields.get("VmRSS", "0 kB").split()[0]) / 1024,
                }
            )
    return sorted(rows, key=lambda row: (row["role"] != "master", row["pid"]))


def stop(process: subprocess.Popen | None) -> None:
    """Gunicorn's graceful stop (SIGTERM to the master we started), then SIGKILL to its group."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    meminfo = dict(
        line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line
    )
    memory_gib = int(meminfo["MemTotal"].split()[0]) / 1024 / 1024
    wrk_version = subprocess.run(
        ["wrk", "-v"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    return {
        "nproc": os.cpu_count(),
        "memory": f"{memory_gib:.1f} GiB",
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": wrk_version[0] if wrk_version else "unknown",
    }


def git_commit() -> str:
    commit = run(["git", "rev-parse", "HEAD"]).strip()
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"]).strip()
    return commit + (" (with uncommitted changes)" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="dichvucong_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=int, default=30, help="seconds at 32 connections")
    parser.add_argument("--rounds", type=int, default=3, help="the 32-connection runs in turns")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up")
    parser.add_argument("--latency-duration", type=int, default=20, help="seconds at 1 connection")
    parser.add_argument("--scenario", action="append", help="only these (the baseline always)")
    parser.add_argument("--report", default=str(BENCH_DIR / "REPORT.md"))
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="the seed's size: 1 is the province (1,000,000 dossiers, 5,000 officers); "
        "0.01 for a quick run while developing (not for reports)",
    )
    parser.add_argument("--submissions", type=int, default=200, help="dossiers through the web")
    parser.add_argument("--submission-clients", type=int, default=4, help="citizens at once")
    parser.add_argument("--receipts", type=int, default=200, help="receipts the worker renders")
    parser.add_argument(
        "--no-flows",
        action="store_true",
        help="skip the submissions, the two-node run and the worker's receipts",
    )
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="measure against the database the last run seeded (when it left its description "
        "in var/bench/), instead of dropping and seeding it again: for profiling, not reports",
    )
    parser.add_argument(
        "--command", default="make bench", help="how it was started, for the report"
    )
    args = parser.parse_args(argv)

    scenarios = [s for s in SCENARIOS if s.baseline or not args.scenario or s.name in args.scenario]
    database_url = f"{args.server}/{args.database}"
    work = Path(tempfile.mkdtemp(prefix="dvc-bench-"))
    python = sys.executable
    gunicorn_bin = str(Path(python).with_name("gunicorn"))
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "DJANGO_SETTINGS_MODULE": "dichvucong.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis,
        "CACHE_KEY_PREFIX": "dvc-bench",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DVC_AUDIT_KEY": "bench-only-audit-key",
        "DJANGO_DEBUG": "false",
        # The baseline endpoint every scenario is compared with (run.sh exports it too).
        "DVC_BENCH_BASELINE": "true",
        # What the reverse proxy gives in production: TLS ends there, so Django neither
        # redirects nor sets secure-only cookies on this plain-HTTP loopback.
        "DJANGO_HTTPS": "false",
        "DJANGO_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DVC_VAR_DIR": str(work / "var"),
        "DJANGO_LOG_LEVEL": "WARNING",
        # The load client is one address: its limit is raised so that it measures, not 429s.
        "DVC_API_ANON_RATE": RAISED_RATE,
        "DVC_LOOKUP_RATE": RAISED_RATE,
        # wrk connects directly: no proxy, so no forwarded address to trust.
        "DVC_TRUSTED_PROXIES": "",
        # No scenario queues background work; /healthz then needs no Celery worker.
        "CELERY_TASK_ALWAYS_EAGER": "true",
        # The harness reads /healthz's checks as a monitor does (anonymous callers get ok only).
        "DVC_HEALTH_TOKEN": HEALTH_TOKEN,
    }
    manage = [python, str(REPO / "manage.py")]

    # What the seed loaded, kept beside the database so that --reuse-database can skip it.
    seeded_file = REPO / "var" / "bench" / f"{args.database}.seeded.json"
    if args.reuse_database and seeded_file.exists():
        log(f"database {args.database}: reused as the last seed left it ({seeded_file})")
        seeded = Seeded.from_json(seeded_file.read_text())
    else:
        args.reuse_database = False
        log(f"database {args.database}: drop, create, migrate")
        recreate_database(args.server, args.database)
        run([*manage, "migrate", "--no-input", "-v0"], env=env, timeout=1200)
        log("seed (COPY)")
        seed_started = time.perf_counter()
        seed_output = run(
            [python, str(BENCH_DIR / "seed.py")],
            env={**env, "BENCH_SCALE": str(args.scale)},
            timeout=3600,
        )
        seed_wall = time.perf_counter() - seed_started
        line = next(ln for ln in seed_output.splitlines() if ln.startswith("SEEDED "))
        seeded = Seeded.from_json(line[len("SEEDED ") :])
        seeded.seconds["seed_wall_clock"] = round(seed_wall, 1)
        line = "SEEDED " + json.dumps(asdict(seeded), ensure_ascii=False)
        seeded_file.parent.mkdir(parents=True, exist_ok=True)
        seeded_file.write_text(line[len("SEEDED ") :])
    log(
        f"seeded {seeded.procedures} procedures, {seeded.versions} versions, "
        f"{seeded.dossiers} dossiers in {seeded.seconds}"
    )
    run([*manage, "collectstatic", "--no-input", "-v0"], env=env)

    port = free_port()
    base_url = f"http://{HOST}:{port}"
    gunicorn_command = [
        gunicorn_bin,
        "dichvucong.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={args.workers}",
        "--worker-class=sync",
        "--backlog=2048",
        "--timeout=60",
        f"--error-logfile={work / 'gunicorn.log'}",
        "--log-level=warning",
    ]
    process = None
    results: list[ScenarioResult] = []
    memory: list[dict] = []
    flow_report: dict = {}
    try:
        log(f"gunicorn: {args.workers} sync workers on {base_url}")
        process = subprocess.Popen(
            gunicorn_command,
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        health = wait_healthy(base_url, process)
        log(f"healthy: {json.dumps(health['checks'])}")
        prepared = []
        for scenario in scenarios:
            paths = scenario.paths(seeded)
            paths_file = work / f"{scenario.name}.paths"
            paths_file.write_text("\n".join(paths) + "\n")
            headers = request_headers(scenario, seeded)
            statuses = sample_statuses(base_url, paths, accept=headers[0], cookie=headers[1])
            log(f"{scenario.name}: {len(paths)} requests in rotation, first pass {statuses}")
            wrk(
                "warm-up",
                base_url,
                paths_file,
                connections=args.connections,
                threads=args.threads,
                seconds=args.warmup,
                headers=headers,
            )
            prepared.append((scenario, paths_file, statuses))
        # Throughput in rounds, the scenarios taking turns: whatever else loads the machine
        # meanwhile weighs on the baseline and on each scenario alike.
        rounds: dict[str, list[WrkRun]] = {scenario.name: [] for scenario in scenarios}
        for number in range(1, args.rounds + 1):
            for scenario, paths_file, _statuses in prepared:
                rounds[scenario.name].append(
                    wrk(
                        f"{args.connections} connections, round {number} of {args.rounds}",
                        base_url,
                        paths_file,
                        connections=args.connections,
                        threads=args.threads,
                        seconds=max(1, args.duration // args.rounds),
                        headers=request_headers(scenario, seeded),
                    )
                )
        for scenario, paths_file, statuses in prepared:
            throughput = Throughput(rounds[scenario.name])
            # Let the workers finish what the last 32-connection run left in the listen queue,
            # and warm the single connection, before timing it.
            time.sleep(3)
            headers = request_headers(scenario, seeded)
            wrk(
                "1 connection, warm-up",
                base_url,
                paths_file,
                connections=1,
                threads=1,
                seconds=2,
                headers=headers,
            )
            latency = wrk(
                "1 connection",
                base_url,
                paths_file,
                connections=1,
                threads=1,
                seconds=args.latency_duration,
                headers=headers,
            )
            log(
                f"{scenario.name}: {throughput.rps:.0f} req/s at {args.connections}, "
                f"p95 {latency.latency_ms('p95'):.1f} ms at 1"
            )
            results.append(ScenarioResult(scenario, statuses, throughput, latency))
        memory = worker_memory(process.pid)
        if not args.no_flows:
            flow_report = run_flows(
                args=args,
                seeded=seeded,
                base_url=base_url,
                gunicorn_command=gunicorn_command,
                env=env,
                work=work,
                database_url=database_url,
                lookup_file=work / "dossier-lookup-api.paths",
            )
            flow_report["memory_after"] = worker_memory(process.pid)
    finally:
        stop(process)
        log("gunicorn stopped")

    report = render_report(
        args=args,
        results=results,
        seeded=seeded,
        memory=memory,
        gunicorn_command=gunicorn_command,
        env=env,
        database_url=database_url,
        flow_report=flow_report,
    )
    Path(args.report).write_text(report)
    log(f"report written to {args.report}")
    missed = [line for line in target_lines(results) if line.startswith("MISSED")]
    for line in missed:
        log(line)
    if flow_report and not flow_report.get("ok"):
        log("the flows or the two-node run had errors: see the report")
        return 1
    return 0


def start_gunicorn(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def code_check(database_url: str, dossier_ids: list[int]) -> dict:
    """Whether the received dossiers' codes are unique and their daily sequences consecutive
    per agency and day (the counter's guarantee across nodes)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT receiving_agency_id, code FROM dossiers_dossier WHERE id = ANY(%s)",
            [dossier_ids],
        ).fetchall()
        attachments = conn.execute(
            "SELECT count(*), coalesce(sum(size), 0) FROM dossiers_attachment "
            "WHERE dossier_id = ANY(%s) AND replaced_at IS NULL",
            [dossier_ids],
        ).fetchone()
        duplicates = conn.execute(
            "SELECT count(*) FROM (SELECT code FROM dossiers_dossier WHERE code <> '' "
            "GROUP BY code HAVING count(*) > 1) AS d"
        ).fetchone()[0]
    groups: dict[tuple, list[int]] = {}
    for agency_id, code in rows:
        prefix, _sep, sequence = (code or "").rpartition("-")
        groups.setdefault((agency_id, prefix), []).append(int(sequence or 0))
    consecutive = {}
    for (agency_id, prefix), numbers in groups.items():
        numbers.sort()
        consecutive[f"{prefix}-…"] = {
            "agency_id": agency_id,
            "count": len(numbers),
            "first": numbers[0],
            "last": numbers[-1],
            "consecutive": numbers == list(range(numbers[0], numbers[0] + len(numbers))),
        }
    codes = [code for _agency, code in rows]
    return {
        "dossiers": len(rows),
        "with_code": sum(1 for code in codes if code),
        "unique_among_them": len(set(codes)) == len(codes),
        "duplicate_codes_in_table": duplicates,
        "attachments": attachments[0],
        "attachment_bytes": int(attachments[1]),
        "sequences": consecutive,
        "ok": (
            bool(rows)
            and all(codes)
            and len(set(codes)) == len(codes)
            and duplicates == 0
            and attachments[0] == 3 * len(rows)
            and all(g["consecutive"] for g in consecutive.values())
        ),
    }


def wrk_both(base_urls: list[str], paths_file: Path, seconds: int) -> list[dict]:
    """wrk against each node at once (16 connections each): the load spread over both."""
    procs = []
    for url in base_urls:
        command = [
            "wrk",
            "--threads=2",
            "--connections=16",
            f"--duration={seconds}s",
            "--timeout=10s",
            f"--script={BENCH_DIR / 'wrk' / 'rotate.lua'}",
            f"{url}/",
            "--",
            str(paths_file),
            "2",
            "application/json",
            "",
        ]
        procs.append(
            (
                url,
                command,
                subprocess.Popen(
                    command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                ),
            )
        )
    out = []
    for url, command, proc in procs:
        stdout, stderr = proc.communicate(timeout=seconds + 60)
        line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
        data = json.loads(line[len("BENCH_JSON ") :]) if line else {}
        out.append({"url": url, "command": command, "output": stdout + stderr, "data": data})
    return out


RECEIPTS_SCRIPT = """
import json, sys, time
import django
django.setup()
from dichvucong.documents.models import DocumentKind, GeneratedDocument
from dichvucong.documents.tasks import render_document
from dichvucong.dossiers.models import Dossier
count, timeout = int(sys.argv[1]), float(sys.argv[2])
ids = list(
    Dossier.objects.filter(status__in=["received", "processing"], received_at__isnull=False)
    .exclude(documents__kind=DocumentKind.RECEIPT)
    .order_by("-received_at")
    .values_list("pk", flat=True)[:count]
)
started = time.time()
for pk in ids:
    render_document.delay(pk, DocumentKind.RECEIPT.value)
enqueued = time.time()
done = 0
while time.time() - started < timeout:
    done = GeneratedDocument.objects.filter(dossier_id__in=ids, kind=DocumentKind.RECEIPT).count()
    if done >= len(ids):
        break
    time.sleep(0.2)
last = GeneratedDocument.objects.filter(dossier_id__in=ids, kind=DocumentKind.RECEIPT).order_by(
    "-created_at"
).values_list("created_at", flat=True).first()
sizes = [d.file.size for d in GeneratedDocument.objects.filter(dossier_id__in=ids)[:20]]
print("RECEIPTS " + json.dumps({
    "asked": count, "dossiers": len(ids), "stored": done,
    "enqueue_seconds": enqueued - started,
    "seconds": (last.timestamp() - started) if last else None,
    "sample_pdf_bytes": sizes[:5],
}))
"""


def receipts_by_worker(args, env: dict, work: Path) -> dict:
    """A Celery worker (prefork, one process per CPU) on the bench's Redis renders receipts
    of received dossiers; wall time from the first enqueue to the last document stored."""
    worker_env = {**env, "CELERY_TASK_ALWAYS_EAGER": "false"}
    celery_bin = str(Path(sys.executable).with_name("celery"))
    concurrency = os.cpu_count() or 1
    command = [
        celery_bin,
        "-A",
        "dichvucong",
        "worker",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
        f"--logfile={work / 'celery.log'}",
    ]
    worker = subprocess.Popen(
        command,
        env=worker_env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(8)  # the worker's start (Django and the task modules imported)
        if worker.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {worker.returncode}")
        output = run(
            [sys.executable, "-c", RECEIPTS_SCRIPT, str(args.receipts), "600"],
            env=worker_env,
            timeout=700,
        )
        memory = worker_memory(worker.pid)
    finally:
        stop(worker)
    line = next(ln for ln in output.splitlines() if ln.startswith("RECEIPTS "))
    result = json.loads(line[len("RECEIPTS ") :])
    result["command"] = shlex.join(command[1:])
    result["concurrency"] = concurrency
    result["memory"] = memory
    result["per_second"] = result["stored"] / result["seconds"] if result.get("seconds") else 0.0
    result["ok"] = result["stored"] == result["dossiers"] and result["dossiers"] > 0
    return result


def run_flows(
    *, args, seeded: Seeded, base_url, gunicorn_command, env, work, database_url, lookup_file
) -> dict:
    report: dict = {}
    accounts = seeded.accounts
    log(f"submissions: {args.submissions} dossiers by {args.submission_clients} citizens at once")
    report["submissions"] = flows.submissions(
        base_url,
        accounts=accounts,
        count=args.submissions,
        concurrency=args.submission_clients,
    )
    sub = report["submissions"]
    log(
        f"submissions: {sub['submitted']} in {sub['seconds']:.1f} s "
        f"({sub['flows_per_second']:.2f}/s), upload p95 {sub['upload_ms']['p95']:.0f} ms, "
        f"{sub['error_count']} errors"
    )
    # Node B: the same command and environment on another port.
    port_b = free_port()
    command_b = [
        part if not part.startswith("--bind=") else f"--bind={HOST}:{port_b}"
        for part in gunicorn_command
    ]
    command_b = [
        part if not part.startswith("--error-logfile=") else f"--error-logfile={work / 'b.log'}"
        for part in command_b
    ]
    base_b = f"http://{HOST}:{port_b}"
    node_b = start_gunicorn(command_b, env)
    nodes = [base_url, base_b]
    try:
        wait_healthy(base_b, node_b)
        log(f"two nodes: {nodes}")
        two: dict = {"nodes": nodes, "command_b": shlex.join(command_b[1:])}
        two["session"] = flows.session_across_nodes(
            nodes, email=accounts["applicant_emails"][0], password=BENCH_PASSWORD
        )
        # The receipts and a lookup load on both nodes at once.
        holder: dict = {}

        def background():
            holder["wrk"] = wrk_both(nodes, lookup_file, 20)

        import threading

        loader = threading.Thread(target=background)
        loader.start()
        two["receive"] = flows.receive_on_nodes(
            nodes,
            accounts=accounts,
            password=BENCH_PASSWORD,
            dossier_ids=sub["dossier_ids"],
        )
        loader.join()
        two["wrk"] = holder.get("wrk", [])
        two["codes"] = code_check(database_url, sub["dossier_ids"])
        two["memory_b"] = worker_memory(node_b.pid)
    finally:
        stop(node_b)
    wrk_errors = sum(
        sum(n for status, n in w["data"].get("statuses", {}).items() if not status.startswith("2"))
        + sum(w["data"].get("socket_errors", {}).values())
        + (0 if w["data"] else 1)
        for w in two["wrk"]
    )
    two["wrk_errors"] = wrk_errors
    two["ok"] = (
        two["session"]["ok"]
        and two["receive"]["error_count"] == 0
        and two["receive"]["received"] == len(sub["dossier_ids"])
        and two["codes"]["ok"]
        and wrk_errors == 0
    )
    report["two_nodes"] = two
    log(
        f"two nodes: received {two['receive']['received']} "
        f"{json.dumps(two['receive']['received_per_node'])}, codes ok {two['codes']['ok']}, "
        f"session ok {two['session']['ok']}, wrk errors {wrk_errors}"
    )
    log(f"receipts: {args.receipts} by the Celery worker")
    report["receipts"] = receipts_by_worker(args, env, work)
    log(
        f"receipts: {report['receipts']['stored']} in {report['receipts']['seconds']} s "
        f"({report['receipts']['per_second']:.2f}/s)"
    )
    # The uploaded files and rendered documents: removed with the run's private storage.
    media = work / "var" / "media"
    files = [f for f in media.rglob("*") if f.is_file()] if media.exists() else []
    report["files_removed"] = {"files": len(files), "bytes": sum(f.stat().st_size for f in files)}
    for f in files:
        f.unlink()
    report["ok"] = (
        sub["error_count"] == 0
        and sub["submitted"] == args.submissions
        and two["ok"]
        and report["receipts"]["ok"]
    )
    return report


def target_lines(results: list[ScenarioResult]) -> list[str]:
    baseline = next(r for r in results if r.scenario.baseline)
    lines = []
    for result in results:
        s = result.scenario
        if s.min_throughput_ratio is not None:
            ratio = result.throughput.rps / baseline.throughput.rps
            ok = ratio >= s.min_throughput_ratio
            lines.append(
                f"{'met' if ok else 'MISSED'}: {s.name} throughput {ratio:.0%} of the baseline "
                f"(target ≥ {s.min_throughput_ratio:.0%})"
            )
        if s.max_p95_ms is not None:
            p95 = result.latency.latency_ms("p95")
            ok = p95 < s.max_p95_ms
            lines.append(
                f"{'met' if ok else 'MISSED'}: {s.name} p95 {p95:.1f} ms at one connection "
                f"(target < {s.max_p95_ms:.0f} ms)"
            )
        if s.max_p99_ms is not None:
            p99 = result.latency.latency_ms("p99")
            ok = p99 < s.max_p99_ms
            lines.append(
                f"{'met' if ok else 'MISSED'}: {s.name} p99 {p99:.1f} ms at one connection "
                f"(target < {s.max_p99_ms:.0f} ms)"
            )
    return lines


def render_flows(flow: dict, baseline_rps: float) -> list[str]:
    """The report's sections on the submissions, the worker's receipts and the two nodes."""
    if not flow:
        return []
    sub, two, rec = flow["submissions"], flow["two_nodes"], flow["receipts"]
    up, whole = sub["upload_ms"], sub["flow_ms"]
    lines = [
        "## Dossier submissions through the web (three 1 MB files each)",
        "",
        f"{sub['submitted']} of {sub['count']} dossiers submitted by {sub['concurrency']} "
        "citizens at once (seeded accounts with sessions the seed made as logging in makes "
        "them: the portal allows 30 logins a minute from one address), each through "
        "the applicant's pages as a browser posts them: start page and draft, application "
        "form (prefilled from the profile), files page and **three uploads of a 1 MB PDF**, "
        "result delivery, review and submit (bench/flows.py `submit_one`, 13 requests).",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| whole flows per second | {sub['flows_per_second']:.2f} |",
        f"| ratio to the baseline's requests per second (requests of the flow: "
        f"{sub['requests']}) | {sub['requests'] / sub['seconds'] / baseline_rps:.0%} |",
        f"| uploaded MiB per second | {sub['uploaded_mib_per_second']:.2f} |",
        f"| wall time | {sub['seconds']:.1f} s |",
        f"| whole flow ms p50 / p95 / p99 (at {sub['concurrency']} at once) | "
        f"{whole['p50']:.0f} / {whole['p95']:.0f} / {whole['p99']:.0f} |",
        f"| upload request ms p50 / p95 / p99 (at {sub['concurrency']} at once; "
        f"{up['count']} uploads) | {up['p50']:.0f} / {up['p95']:.0f} / {up['p99']:.0f} |",
        f"| status codes | {json.dumps(sub['statuses'])} (302 is each POST's post/redirect/get) |",
        f"| errors | {sub['error_count']} {json.dumps(sub['errors'])} |",
        "",
        f"Files removed afterwards: {flow['files_removed']['files']} files, "
        f"{flow['files_removed']['bytes'] / 1024 / 1024:.1f} MiB (the uploads and the "
        "rendered documents, in the run's temporary private storage). The dossiers' rows stay "
        "in the bench database until the next seed drops it.",
        "",
        "## Receipt PDFs rendered by the background worker",
        "",
        f"`{rec['command']}` (Celery on the bench's Redis, {rec['concurrency']} prefork "
        f"processes) rendered {rec['stored']} receipts (form 01) of {rec['dossiers']} received "
        f"dossiers (asked: {rec['asked']}), queued with `documents.tasks.render_document`: "
        f"**{rec['per_second']:.2f} receipts per second**, "
        f"{rec['seconds'] or 0:.1f} s from the first enqueue to the last document stored "
        f"(enqueueing took {rec['enqueue_seconds']:.2f} s); sample PDF sizes "
        f"{rec['sample_pdf_bytes']} bytes.",
        "",
        "| pid | role | RSS MiB |",
        "|---:|---|---:|",
        *[
            f"| {m['pid']} | Celery {'main' if m['role'] == 'master' else 'pool'} | "
            f"{m['rss_mib']:.1f} |"
            for m in rec["memory"]
        ],
        "",
        "## Two web nodes (correctness, not speed)",
        "",
        f"Result: **{'passed' if two['ok'] else 'FAILED'}**. Nodes {two['nodes']}: two "
        "gunicorn servers, the same command and environment on two ports, sharing the "
        "PostgreSQL database (which also holds the sessions: SESSION_ENGINE is the database "
        "backend) and Redis (cache, rate limits, broker).",
        "",
        f"- **Session across nodes**: logged in on {two['session']['logged_in_on']}, then "
        f"`GET {two['session']['asked']}` with that cookie answered "
        f"{two['session']['status_with_cookie']} (without the cookie: "
        f"{two['session']['status_without_cookie']}, the redirect to the login page): "
        f"{'shared' if two['session']['ok'] else 'NOT shared'}.",
        f"- **Receiving on both nodes at once**: {two['receive']['officers']} desk officers, "
        "each logged in on one node (alternating), received the submitted dossiers in parallel "
        "(each: the desk's dossier page, then the receive form, which also renders the receipt "
        "PDF inline, the web nodes running tasks eagerly): "
        f"{two['receive']['received']} "
        f"received {json.dumps(two['receive']['received_per_node'])} in "
        f"{two['receive']['seconds']:.1f} s, status codes {json.dumps(two['receive']['statuses'])}"
        f", errors {two['receive']['error_count']} {json.dumps(two['receive']['errors'])}.",
        f"- **Dossier codes** (read back from PostgreSQL): {two['codes']['with_code']} of "
        f"{two['codes']['dossiers']} with a code, unique among them: "
        f"{two['codes']['unique_among_them']}; duplicate codes in the whole table: "
        f"{two['codes']['duplicate_codes_in_table']}; their attached files: "
        f"{two['codes']['attachments']} ({two['codes']['attachment_bytes']:,} bytes; three "
        "1 MB files each expected); daily sequences per agency and day: "
        f"{json.dumps(two['codes']['sequences'], ensure_ascii=False)}.",
        "- **Load on both nodes at once** (wrk, the lookup's rotation, 16 connections each, "
        "during the receipts): "
        + "; ".join(
            f"{w['url']}: {w['data'].get('requests', 0)} requests, statuses "
            f"{json.dumps(w['data'].get('statuses', {}))}, socket errors "
            f"{json.dumps(w['data'].get('socket_errors', {}))}"
            for w in two["wrk"]
        )
        + f"; non-2xx and socket errors in all: {two['wrk_errors']}.",
        f"- Node B: `{two['command_b']}`; its processes' RSS after the run: "
        + ", ".join(f"{m['role']} {m['rss_mib']:.1f} MiB" for m in two["memory_b"])
        + ".",
        "",
    ]
    return lines


def render_flow_raw(flow: dict) -> list[str]:
    if not flow:
        return []
    lines = []
    for w in flow["two_nodes"]["wrk"]:
        lines += [
            f"### Two nodes, wrk against {w['url']}",
            "",
            f"`{shlex.join(w['command'])}`",
            "",
            "```",
            w["output"].rstrip(),
            "```",
            "",
        ]
    lines += [
        "### Flows, as measured (JSON)",
        "",
        "```json",
        json.dumps(
            {
                "submissions": {k: v for k, v in flow["submissions"].items() if k != "dossier_ids"},
                "receipts": flow["receipts"],
                "two_nodes": {k: v for k, v in flow["two_nodes"].items() if k != "wrk"},
                "files_removed": flow["files_removed"],
            },
            indent=1,
            ensure_ascii=False,
        ),
        "```",
        "",
    ]
    return lines


def render_report(
    *, args, results, seeded: Seeded, memory, gunicorn_command, env, database_url, flow_report
) -> str:
    baseline = next(r for r in results if r.scenario.baseline)
    info = machine()
    parts = dict(seeded.parts)
    rebuilt = parts.pop("secondary_indexes_rebuilt", [])
    lines = [
        "# Benchmark report",
        "",
        f"Written by `{args.command}` (bench/harness.py) on "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}. Every figure comes from this one run; "
        "throughput is compared with the baseline measured in the same run.",
        "",
        "## Results",
        "",
        f"| scenario | req/s at {args.connections} connections | ratio to baseline | "
        "p50 ms | p95 ms | p99 ms | non-2xx | socket errors | load average before |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r.throughput.rps / baseline.throughput.rps
        lines.append(
            f"| {r.scenario.name} | {r.throughput.rps:,.0f} | {ratio:.0%} | "
            f"{r.latency.latency_ms('p50'):.1f} | {r.latency.latency_ms('p95'):.1f} | "
            f"{r.latency.latency_ms('p99'):.1f} | "
            f"{r.throughput.non_2xx + r.latency.non_2xx} | "
            f"{r.throughput.socket_errors + r.latency.socket_errors} | "
            f"{r.throughput.load_before:.2f} / {r.latency.load_before:.2f} |"
        )
    lines += [
        "",
        "Latencies are single-connection (wrk -c1 -t1, its latency histogram). The load "
        "average (1 min, throughput run / latency run) shows whether other work shared the "
        f"{os.cpu_count()} CPUs; the ratio to the baseline is the figure to compare across runs.",
        "",
    ]
    loads = [
        load
        for r in results
        for load in (*(run_.load_before for run_ in r.throughput.runs), r.latency.load_before)
    ]
    if loads and max(loads) > (os.cpu_count() or 1):
        lines += [
            f"**The load average was above the {os.cpu_count()} CPUs** during this run "
            f"(1 minute, {min(loads):.1f} to {max(loads):.1f} before the wrk runs). It counts "
            "the benchmark's own earlier rounds (gunicorn, PostgreSQL, wrk) as well as any other "
            "work on the machine, so it tells a quiet machine from a busy one only roughly; "
            "where other work shared the CPUs, absolute latencies are inflated, their tails "
            "most, and the ratios to the baseline, measured in the same rounds, are the "
            "comparable figures.",
            "",
        ]
    targets = target_lines(results)
    lines += ["### Targets", ""] + [f"- {line}" for line in targets] + [""]
    if any(line.startswith("MISSED") for line in targets):
        lines += [
            "Where the time goes when a target is missed: bench/PROFILE.md (profiles and "
            "EXPLAIN ANALYZE, written by hand; compare its commit with this report's).",
            "",
        ]
    lines += ["### Scenarios", ""]
    for r in results:
        lines.append(
            f"- **{r.scenario.name}**: {r.scenario.title}. "
            f"{len(r.scenario.paths(seeded))} requests in rotation; "
            f"status codes at {args.connections} connections "
            f"{json.dumps(r.throughput.statuses)}, at 1 connection "
            f"{json.dumps(r.latency.data['statuses'])}; each request once before the load "
            f"{json.dumps(r.sample_statuses)}."
        )
    lines += ["", "### Memory of the gunicorn processes (RSS after the load, /proc)", ""]
    lines += ["| pid | role | RSS MiB |", "|---:|---|---:|"]
    lines += [f"| {m['pid']} | {m['role']} | {m['rss_mib']:.1f} |" for m in memory]
    if flow_report:
        lines += [
            "",
            "After the submissions and the two-node run (the same processes):",
            "",
            "| pid | role | RSS MiB |",
            "|---:|---|---:|",
        ]
        lines += [
            f"| {m['pid']} | {m['role']} | {m['rss_mib']:.1f} |"
            for m in flow_report["memory_after"]
        ]
    lines += ["", *render_flows(flow_report, baseline.throughput.rps)]
    lines += [
        "",
        "## Set-up",
        "",
        f"- Commit: `{git_commit()}`",
        f"- Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} memory, "
        f"Linux {info['kernel']}, Python {info['python']}, {info['wrk']}",
        f"- PostgreSQL: {postgres_version(database_url)}",
        f"- Database `{args.database}` "
        f"({'reused from the previous seed' if args.reuse_database else 'dropped and created'}), "
        "migrated, seeded by bench/seed.py "
        f"with COPY: {seeded.procedures} procedures, {seeded.versions} versions "
        f"({seeded.published_versions} published; the others superseded or drafts), "
        f"{len(seeded.agency_codes)} agencies, {len(seeded.field_codes)} fields in "
        f"{len(seeded.sector_codes)} sectors; parts {json.dumps(parts)}; "
        f"{len(rebuilt)} indexes dropped before COPY and built after it; "
        f"seconds {json.dumps(seeded.seconds)}.",
        f"- Dossiers: {seeded.dossiers:,} received over three years across the desks, "
        f"{seeded.history_rows:,} history rows and their open steps, loaded with COPY (constraints "
        "and secondary indexes of the three tables dropped before and made again after); "
        f"{json.dumps(seeded.dossier_parts, ensure_ascii=False)}; "
        f"{len(seeded.lookup_codes):,} of their codes in the lookup's rotation.",
        f"- Officer inbox: {seeded.open_steps:,} open steps (DossierStep, the unfinished "
        f"dossiers'), {seeded.inbox_open_steps:,} of them at the specialist step of agency "
        f"{seeded.inbox_agency_code} with due times over ± 30 days around the seeding time "
        f"({seeded.inbox_assigned:,} assigned to the bench officer, the others unassigned); "
        "finished dossiers keep no step rows. The bench officer is a specialist of that "
        "agency; the seed makes a database session for them, whose cookie the requests carry "
        "(Accept: text/html).",
        f"- Server: `{shlex.join(gunicorn_command[1:-2])}` — sync workers as in production, "
        "static files collected, access log off (the reverse proxy logs).",
        "- Environment of the portal: DJANGO_DEBUG=false, DVC_BENCH_BASELINE=true (the "
        "baseline routed), DATABASE_URL to the bench database, "
        f"REDIS_URL={env['REDIS_URL']} (cache and API limits), DJANGO_HTTPS=false and "
        "DJANGO_SSL_REDIRECT=false (a reverse proxy ends TLS: no redirect, no secure-only "
        f"cookie), DVC_TRUSTED_PROXIES empty (wrk connects directly), CELERY_TASK_ALWAYS_EAGER=true "
        "(no wrk scenario queues work; /healthz needs no worker; a desk's receipt renders its "
        "PDF inline; the worker's own figure is measured apart, with a real worker), and "
        f"**DVC_API_ANON_RATE={env['DVC_API_ANON_RATE']} and "
        f"DVC_LOOKUP_RATE={env['DVC_LOOKUP_RATE']}: the API's per-client limits raised "
        "for the load client**, which is one address (the limits are still counted on every "
        "request, in Redis, as in production).",
        f"- Load: wrk, {args.warmup} s warm-up per scenario (discarded), then {args.duration} s "
        f"at {args.connections} connections and {args.threads} threads per scenario, in "
        f"{args.rounds} rounds taken in turn by the scenarios; then {args.latency_duration} s "
        "at 1 connection, 1 thread. bench/wrk/rotate.lua rotates through each scenario's "
        "requests and counts every status; every non-2xx is an error.",
        f"- Command: `{args.command}`, i.e. `bash bench/run.sh` → "
        f"`python bench/harness.py {shlex.join(sys.argv[1:])}`".rstrip(),
        "",
        "## Raw wrk output",
        "",
        "<details><summary>wrk's own text for every run (click to open)</summary>",
        "",
    ]
    for r in results:
        for run_ in (*r.throughput.runs, r.latency):
            lines += [
                f"### {r.scenario.name}, {run_.label}",
                "",
                f"`{shlex.join(run_.command)}`",
                "",
                "```",
                run_.output.rstrip(),
                "```",
                "",
            ]
    lines += render_flow_raw(flow_report)
    lines += ["</details>", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
