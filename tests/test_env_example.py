"""Every environment variable the settings read is documented in .env.example."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _names_read_by_settings() -> set[str]:
    source = (REPO / "src/dichvucong/settings.py").read_text()
    pattern = r'env(?:\.(?:bool|int|list|db_url|str))?\(\s*"([A-Z_][A-Z0-9_]*)"'
    return set(re.findall(pattern, source))


def _names_documented() -> dict[str, str]:
    lines = (REPO / ".env.example").read_text().splitlines()
    documented = {}
    for index, line in enumerate(lines):
        match = re.match(r"^([A-Z_][A-Z0-9_]*)=", line)
        if match:
            comment = lines[index - 1] if index else ""
            documented[match.group(1)] = comment
    return documented


def test_every_setting_is_listed_with_an_explanation():
    documented = _names_documented()
    read = _names_read_by_settings() | {"DATABASE_URL"}

    assert read, "the pattern found no env() call: it is out of date"
    assert sorted(read - set(documented)) == []
    for name in read:
        assert documented[name].startswith("# "), f"{name} has no one-line explanation above it"
