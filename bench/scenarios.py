"""The benchmark's scenarios: what each one requests, in rotation.

Adding a scenario is one entry in SCENARIOS: a name, a title, and a function that lists the
request paths from the seeded data (bench/seed.py's Seeded). The harness runs every scenario
the same way (a warm-up, 32 connections for throughput, one connection for latency) and reports
each against the baseline, measured in the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from seed import Seeded


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    paths: Callable[[Seeded], list[str]]
    # Targets, as ratios to the baseline's throughput and as single-connection p95/p99 in ms.
    min_throughput_ratio: float | None = None
    max_p95_ms: float | None = None
    max_p99_ms: float | None = None
    baseline: bool = False
    # An HTML page (Accept: text/html) rather than JSON, and whether the requests carry the
    # seeded officer's session cookie.
    html: bool = False
    signed_in: bool = False
    notes: str = ""
    extra: dict = field(default_factory=dict)


def baseline_paths(data: Seeded) -> list[str]:
    return [f"/api/v1/baseline/{code}/" for code in data.agency_codes]


# What people type into the catalogue's search box: with and without diacritics, short and
# long, i/y spellings, small typos; a few with a filter, as the catalogue page combines them.
SEARCH_QUERIES = [
    "dang ky khai sinh",
    "Đăng ký khai sinh",
    "khai sinh",
    "dang ki khai sinh",
    "dang ky khai sin",
    "chung thuc",
    "chứng thực bản sao từ bản chính",
    "chung thuc chu ky",
    "giay phep xay dung",
    "giấy phép xây dựng nhà ở riêng lẻ",
    "giay phep xay dumg",
    "ket hon",
    "đăng ký kết hôn có yếu tố nước ngoài",
    "khai tu",
    "ho tich",
    "cap lai",
    "thanh lap doanh nghiep",
    "đăng ký hộ kinh doanh",
    "dang ky kinh doanh",
    "giay chung nhan quyen su dung dat",
    "chuyen muc dich su dung dat",
    "ly lich tu phap",
    "lí lịch tư pháp",
    "giay phep lai xe",
    "cấp đổi giấy phép lái xe",
    "tro cap xa hoi",
    "bảo trợ xã hội",
    "nguoi co cong",
    "giay phep kinh doanh ruou",
    "an toan thuc pham",
    "thành lập trường mầm non",
    "cong nhan",
]


def search_paths(data: Seeded) -> list[str]:
    paths = [f"/api/v1/procedures/?{urlencode({'q': query})}" for query in SEARCH_QUERIES]
    # Filters combined with a query, and a filter alone, as the catalogue page sends them.
    paths += [
        f"/api/v1/procedures/?{urlencode({'q': 'dang ky', 'level': 'xa'})}",
        f"/api/v1/procedures/?{urlencode({'q': 'giay phep', 'online_level': 4})}",
        f"/api/v1/procedures/?{urlencode({'field': data.field_codes[0]})}",
        f"/api/v1/procedures/?{urlencode({'q': 'cap', 'agency': data.agency_codes[0]})}",
    ]
    return paths


def lookup_paths(data: Seeded) -> list[str]:
    # Existing codes spread over the three years and every desk (bench/seed.py keeps every
    # 200th): the rotation reads rows all over the table, not one hot page.
    return [f"/api/v1/dossiers/{code}/status/" for code in data.lookup_codes]


def procedure_page_paths(data: Seeded) -> list[str]:
    # Every 10th procedure's public page (HTML), as a citizen opens it from the catalogue.
    return [f"/thu-tuc/{code}/" for code in data.procedure_codes]


def inbox_paths(data: Seeded) -> list[str]:
    # The officer's default inbox: their agency's open specialist steps, due soonest first.
    return ["/can-bo/"]


SCENARIOS = [
    Scenario(
        name="baseline",
        title="Baseline: one agency's desk contact by its unique code (one indexed row)",
        paths=baseline_paths,
        baseline=True,
    ),
    Scenario(
        name="catalogue-search-api",
        title="Catalogue search (API) over 2,000 published procedures, first page of 20",
        paths=search_paths,
        min_throughput_ratio=0.40,
        max_p95_ms=50.0,
        notes="issue 3",
    ),
    Scenario(
        name="dossier-lookup-api",
        title=(
            "Public status lookup (API) by dossier code over 1,000,000 dossiers with their "
            "history rows"
        ),
        paths=lookup_paths,
        min_throughput_ratio=0.60,
        max_p99_ms=50.0,
        notes="issue 4",
    ),
    Scenario(
        name="procedure-page",
        title="A procedure's public page (HTML, anonymous), 200 procedures in rotation",
        paths=procedure_page_paths,
        html=True,
    ),
    Scenario(
        name="officer-inbox",
        title=(
            "Officer inbox (HTML, signed in): a specialist's default inbox at an agency with "
            "50,000 open dossiers among 1,000,000"
        ),
        paths=inbox_paths,
        max_p95_ms=150.0,
        html=True,
        signed_in=True,
        notes="issue 5",
    ),
]
