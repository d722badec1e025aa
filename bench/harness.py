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
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from scenarios import SCENARIOS, Scenario  # noqa: E402
from seed import Seeded  # noqa: E402

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


def wait_healthy(base_url: str, process: subprocess.Popen, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=5) as response:
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
        "DVC_NUM_PROXIES": "0",
        # No scenario queues background work; /healthz then needs no Celery worker.
        "CELERY_TASK_ALWAYS_EAGER": "true",
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
        run([*manage, "migrate", "--no-input", "-v0"], env=env)
        log("seed (COPY)")
        seed_output = run([python, str(BENCH_DIR / "seed.py")], env=env)
        line = next(ln for ln in seed_output.splitlines() if ln.startswith("SEEDED "))
        seeded = Seeded.from_json(line[len("SEEDED ") :])
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
    )
    Path(args.report).write_text(report)
    log(f"report written to {args.report}")
    missed = [line for line in target_lines(results) if line.startswith("MISSED")]
    for line in missed:
        log(line)
    return 0


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


def render_report(
    *, args, results, seeded: Seeded, memory, gunicorn_command, env, database_url
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
        "- Environment of the portal: DJANGO_DEBUG=false, DATABASE_URL to the bench database, "
        f"REDIS_URL={env['REDIS_URL']} (cache and API limits), DJANGO_HTTPS=false and "
        "DJANGO_SSL_REDIRECT=false (a reverse proxy ends TLS: no redirect, no secure-only "
        f"cookie), DVC_NUM_PROXIES=0 (wrk connects directly), CELERY_TASK_ALWAYS_EAGER=true "
        f"(no scenario queues work; /healthz needs no worker), and "
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
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
