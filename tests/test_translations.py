"""Vietnamese is the default language: every app's catalogue holds every string of its app,
is complete and compiles."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "dichvucong"
CATALOGUES = sorted(SRC.glob("*/locale/vi/LC_MESSAGES/django.po"))


def test_every_app_with_strings_ships_a_vietnamese_catalogue():
    apps = {path.parts[-5] for path in CATALOGUES}
    assert {"core", "agencies", "accounts", "web"} <= apps


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_fully_translated(catalogue):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is missing: scripts/system-packages.sh installs it"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_holds_every_string_of_its_app(catalogue, tmp_path):
    """makemessages over a copy of the app finds no string the catalogue lacks: a string added
    to the code without its Vietnamese would otherwise show in English on a Vietnamese page."""
    app = catalogue.parents[3]
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dichvucong.settings",
        # The app's own modules (selectors.py…) must not shadow the standard library's: no
        # working directory on the path (-P below, and no empty entry here).
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(SRC.parent), os.environ.get("PYTHONPATH", "")])
        ),
    }
    made = subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "--locale", "vi", "--no-location"],
        cwd=copy,
        capture_output=True,
        text=True,
        env=env,
    )
    assert made.returncode == 0, made.stderr

    regenerated = copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    missing = _msgids(regenerated, "--untranslated") + _msgids(regenerated, "--only-fuzzy")
    assert missing == [], f"run makemessages -l vi in {app} and translate: {missing}"


def _msgids(catalogue: Path, selection: str) -> list[str]:
    """The msgids of the entries msgattrib selects, without the header it always prints."""
    shown = subprocess.run(
        ["msgattrib", selection, "--no-obsolete", "--no-wrap", str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in shown.stdout.splitlines() if line.startswith("msgid ")][1:]
