"""The benchmark's multi-request flows, driven through HTTP as a browser would drive them.

- `submissions`: seeded citizens log in, start a draft of one online procedure, save the
  application form (as prefilled from their profile), upload three 1 MB PDF files, choose the
  result's delivery and submit. Measured: whole flows per second at a few concurrent clients,
  and the latency of the upload requests (each a 1 MB multipart POST).
- `two_nodes`: the correctness run over two gunicorn servers sharing PostgreSQL and Redis:
  desk officers on both nodes receive the submitted dossiers at once (codes must come out
  unique and consecutive per agency and day), a session made on one node is used on the other,
  and the lookup's requests go to both nodes at once without an error.
- `receipts`: a Celery worker on Redis renders receipts (form 01 PDFs) of received dossiers;
  measured from the first enqueue to the last document stored.

Only the loopback is addressed; every loop is bounded.
"""

from __future__ import annotations

import http.client
import io
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

FILE_BYTES = 1024 * 1024
FILES_PER_DOSSIER = 3


class FlowError(RuntimeError):
    pass


class _Forms(HTMLParser):
    """Every <form> of a page: action, method and the values a browser would send."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action") or "", "method": a.get("method", "get"), "fields": {}}
            )
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                fields.setdefault(("choices", name), []).append(a.get("value", "on"))
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
                self.forms[-1]["fields"].setdefault(self._select, self._select_first)
            if "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
            fields.setdefault(("textareas",), []).append(name)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field_name: str) -> dict:
    for form in forms_of(html):
        if field_name in form["fields"] or ("choices", field_name) in form["fields"]:
            return form
    raise FlowError(f"no form with a field {field_name!r} on the page")


def plain(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if isinstance(k, str)}


def pdf_bytes(size: int = FILE_BYTES) -> bytes:
    """A PDF of `size` bytes (a valid header and trailer; the body padded with a comment)."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n"
    tail = b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    pad = size - len(head) - len(tail)
    return head + b"%" + b"0" * (pad - 2) + b"\n" + tail


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Client:
    """One browser: its cookies, one keep-alive connection per node, every request timed."""

    base_urls: list[str]
    timings: list[tuple[str, int, float]] = field(default_factory=list)
    cookies: dict = field(default_factory=dict)
    node: int = 0

    def __post_init__(self):
        self._connections: dict[int, http.client.HTTPConnection] = {}

    def _connection(self, node: int) -> http.client.HTTPConnection:
        if node not in self._connections:
            parts = urlsplit(self.base_urls[node])
            self._connections[node] = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=60
            )
        return self._connections[node]

    def request(
        self, method: str, path: str, *, body: bytes = b"", headers=None, label="", node=None
    ):
        node = self.node if node is None else node
        sent = {
            "Accept": "text/html",
            "Host": urlsplit(self.base_urls[node]).netloc,
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies and method == "POST":
            sent["X-CSRFToken"] = self.cookies["csrftoken"]
        started = time.perf_counter()
        for attempt in (1, 2):
            connection = self._connection(node)
            try:
                connection.request(method, path, body=body or None, headers=sent)
                raw = connection.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed (sync workers close after each
                # response): open a new one once.
                connection.close()
                self._connections.pop(node, None)
                if attempt == 2:
                    raise
        seconds = time.perf_counter() - started
        headers_in = {k.lower(): v for k, v in raw.getheaders()}
        for key, value in raw.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.timings.append((label or method, raw.status, seconds))
        return Response(raw.status, headers_in, data, seconds)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, fields: dict, **kw):
        body = urlencode(fields).encode()
        return self.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            **kw,
        )

    def post_file(self, path, fields: dict, name: str, filename: str, content: bytes, **kw):
        boundary = uuid.uuid4().hex
        out = io.BytesIO()
        for key, value in fields.items():
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
            )
            out.write(str(value).encode() + b"\r\n")
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=out.getvalue(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            **kw,
        )

    def close(self):
        for connection in self._connections.values():
            connection.close()


def expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise FlowError(f"{what}: HTTP {response.status}, expected {status}: {response.text[:300]}")
    return response


def log_in(client: Client, email: str, password: str, *, node: int | None = None) -> None:
    page = expect(client.get("/tai-khoan/login/", node=node, label="login page"), 200, "login")
    form = form_with(page.text, "login")
    fields = {**plain(form["fields"]), "login": email, "password": password}
    done = client.post("/tai-khoan/login/", fields, node=node, label="log in")
    expect(done, 302, f"log in as {email}")


def submit_one(client: Client, *, local_code: str, desk_pk: int, content: bytes) -> int:
    """One dossier through the applicant's web flow; returns its id."""
    start = client.get(f"/ho-so/nop/{local_code}/", label="start page")
    expect(start, 200, "start page")
    fields = {**plain(form_with(start.text, "receiving_agency")["fields"])}
    fields["receiving_agency"] = str(desk_pk)
    made = expect(
        client.post(f"/ho-so/nop/{local_code}/", fields, label="create draft"), 302, "draft"
    )
    form_path = urlsplit(made.location).path
    dossier_pk = int(form_path.strip("/").split("/")[1])
    page = expect(client.get(form_path, label="form page"), 200, "form page")
    form = form_with(page.text, "owner-owner_name")
    answers = plain(form["fields"])
    answers.pop("owner-on_behalf", None)
    # What the citizen types: the request's free text (the rest is prefilled from the profile).
    for name in form["fields"].get(("textareas",), []):
        if not answers[name].strip():
            answers[name] = "Đề nghị cơ quan giải quyết thủ tục theo quy định."
    saved = client.post(form_path, answers, label="save form")
    expect(saved, 302, f"save the form of dossier {dossier_pk}")
    files_path = f"/ho-so/{dossier_pk}/giay-to/"
    files_page = expect(client.get(files_path, label="files page"), 200, "files page")
    components = [
        f["fields"]["component"]
        for f in forms_of(files_page.text)
        if f["fields"].get("component", "template") != "template"
    ]
    if not components:
        raise FlowError(f"dossier {dossier_pk}: no file slot on the files page")
    csrf = plain(form_with(files_page.text, "component")["fields"]).get("csrfmiddlewaretoken", "")
    for number in range(FILES_PER_DOSSIER):
        component = components[number % len(components)]
        uploaded = client.post_file(
            files_path,
            {"csrfmiddlewaretoken": csrf, "component": component},
            "upload",
            f"giay-to-{number + 1}.pdf",
            content,
            label="upload",
        )
        expect(uploaded, 302, f"upload {number + 1} of dossier {dossier_pk}")
    delivery_path = f"/ho-so/{dossier_pk}/nhan-ket-qua/"
    page = expect(client.get(delivery_path, label="delivery page"), 200, "delivery page")
    form = form_with(page.text, "delivery")
    fields = plain(form["fields"])
    fields["delivery"] = fields.get("delivery") or form["fields"][("choices", "delivery")][0]
    expect(client.post(delivery_path, fields, label="delivery"), 302, "delivery")
    review_path = f"/ho-so/{dossier_pk}/xem-lai/"
    page = expect(client.get(review_path, label="review page"), 200, "review page")
    fields = plain(forms_of(page.text)[-1]["fields"]) if forms_of(page.text) else {}
    fields.setdefault("csrfmiddlewaretoken", client.cookies.get("csrftoken", ""))
    submitted = client.post(review_path, fields, label="submit")
    if submitted.status != 302 or "da-nop" not in submitted.location:
        raise FlowError(
            f"submit dossier {dossier_pk}: HTTP {submitted.status} {submitted.location} "
            f"{submitted.text[:300]}"
        )
    return dossier_pk


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_summary(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms) if ms else 0.0,
        "max": max(ms) if ms else 0.0,
    }


def _run_parallel(jobs: list, worker, concurrency: int) -> tuple[list, list[str]]:
    """Runs worker(job) over jobs in `concurrency` threads; returns results and errors."""
    lock = threading.Lock()
    queue = list(jobs)
    results, errors = [], []

    def loop():
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop(0)
            try:
                result = worker(job)
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:500])
            else:
                with lock:
                    results.append(result)

    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def submissions(base_url: str, *, accounts: dict, count: int, concurrency: int) -> dict:
    """`count` dossiers through the web flow by `concurrency` citizens at once."""
    content = pdf_bytes()
    applicants = accounts["applicant_emails"]
    clients: dict[str, Client] = {}
    lock = threading.Lock()
    flow_seconds: list[float] = []

    # Each applicant is signed in before the clock starts (a session the seed made as logging
    # in makes it: the portal allows 30 logins a minute from one address): the measured flow
    # is the dossier's.
    cookies = accounts["applicant_cookies"]
    for email, cookie in list(zip(applicants, cookies, strict=True))[: min(count, len(cookies))]:
        client = Client([base_url])
        name, _sep, value = cookie.partition("=")
        client.cookies[name] = value
        clients[email] = client
    emails = list(clients)

    def one(n: int) -> int:
        client = clients[emails[n % len(emails)]]
        started = time.perf_counter()
        pk = submit_one(
            client,
            local_code=accounts["submission_local_code"],
            desk_pk=accounts["submission_desk_pk"],
            content=content,
        )
        with lock:
            flow_seconds.append(time.perf_counter() - started)
        return pk

    # One applicant never runs two flows at once: jobs n and n + len(emails) share a client,
    # and there are more applicants than threads.
    concurrency = min(concurrency, len(emails))
    started = time.perf_counter()
    pks, errors = _run_parallel(list(range(count)), one, concurrency)
    wall = time.perf_counter() - started
    timings = [t for c in clients.values() for t in c.timings]
    for client in clients.values():
        client.close()
    uploads = [s for label, _status, s in timings if label == "upload"]
    statuses: dict[str, int] = {}
    for label, status, _s in timings:
        if label not in ("login page", "log in"):
            statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "count": count,
        "concurrency": concurrency,
        "submitted": len(pks),
        "dossier_ids": sorted(pks),
        "errors": errors[:10],
        "error_count": len(errors),
        "seconds": wall,
        "flows_per_second": len(pks) / wall if wall else 0.0,
        "uploaded_mib_per_second": len(uploads) * FILE_BYTES / 1024 / 1024 / wall if wall else 0,
        "flow_ms": latency_summary(flow_seconds),
        "upload_ms": latency_summary(uploads),
        "requests": len(timings),
        "statuses": statuses,
    }


def receive_on_nodes(
    base_urls: list[str], *, accounts: dict, password: str, dossier_ids: list[int]
) -> dict:
    """Desk officers on both nodes receive the dossiers at once, one thread per officer."""
    officers = accounts["desk_officers"]
    clients = []
    for number, email in enumerate(officers):
        client = Client(base_urls, node=number % len(base_urls))
        log_in(client, email, password)
        clients.append(client)
    per_node = dict.fromkeys(range(len(base_urls)), 0)
    lock = threading.Lock()

    def receive(job: tuple[int, int]) -> int:
        officer, pk = job
        client = clients[officer]
        page = expect(client.get(f"/mot-cua/ho-so/{pk}/", label="desk detail"), 200, "detail")
        form = form_with(page.text, "time_option")
        fields = plain(form["fields"])
        fields["time_option"] = (
            fields.get("time_option") or form["fields"][("choices", "time_option")][0]
        )
        done = client.post(f"/mot-cua/ho-so/{pk}/tiep-nhan/", fields, label="receive")
        expect(done, 302, f"receive dossier {pk}")
        with lock:
            per_node[client.node] += 1
        return pk

    # Each officer's own queue of dossiers, all officers at once.
    buckets = [[] for _ in clients]
    for index, pk in enumerate(dossier_ids):
        buckets[index % len(clients)].append((index % len(clients), pk))
    results, errors = [], []
    threads = []
    collected = threading.Lock()

    def officer_loop(jobs):
        done, failed = _run_parallel(jobs, receive, 1)
        with collected:
            results.extend(done)
            errors.extend(failed)

    started = time.perf_counter()
    for jobs in buckets:
        threads.append(threading.Thread(target=officer_loop, args=(jobs,)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for client in clients:
        for label, status, _s in client.timings:
            if label not in ("login page", "log in"):
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        client.close()
    return {
        "officers": len(clients),
        "received": len(results),
        "received_per_node": {base_urls[n]: c for n, c in per_node.items()},
        "errors": errors[:10],
        "error_count": len(errors),
        "statuses": statuses,
        "seconds": wall,
    }


def session_across_nodes(base_urls: list[str], *, email: str, password: str) -> dict:
    """Logs in on node A, then asks node B for the applicant's own dossier list with that
    cookie: 200 (not a redirect to the login page) means the session is shared."""
    client = Client(base_urls, node=0)
    log_in(client, email, password, node=0)
    on_b = client.get("/ho-so/", node=1, label="list on B")
    anonymous = Client(base_urls).get("/ho-so/", node=1, label="list on B, no cookie")
    client.close()
    return {
        "logged_in_on": base_urls[0],
        "asked": f"{base_urls[1]}/ho-so/",
        "status_with_cookie": on_b.status,
        "location_with_cookie": on_b.location,
        "status_without_cookie": anonymous.status,
        "ok": on_b.status == 200 and anonymous.status == 302,
    }
