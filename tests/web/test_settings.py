"""The settings read from the environment: embedded by default, production when configured."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(args, env_extra, drop=()):
    # Only what the test sets: nothing of the caller's configuration (CI's included) leaks in.
    ours = ("DJANGO_", "DVC_", "CELERY_", "DATABASE_", "REDIS_", "EMAIL_", "ACCOUNT_", "CACHE_")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(ours)}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings_value(expr, env_extra):
    code = f"from django.conf import settings; print({expr})"
    return _run(["shell", "-c", code], env_extra)


def test_no_environment_means_the_embedded_mode(tmp_path):
    result = _settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND",
        {"DVC_VAR_DIR": str(tmp_path)},
    )

    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout
    assert "True" in result.stdout
    assert "console" in result.stdout
    assert (tmp_path / "secret_key").exists()


def test_environment_switches_to_postgres_redis_and_smtp(tmp_path):
    result = _settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND, settings.CACHES['default']['BACKEND']",
        {
            "DVC_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://dvc@db.invalid:5432/dvc",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "EMAIL_URL": "smtp://mailer:secret@mail.invalid:587/?tls=True",
            "DJANGO_SECRET_KEY": "x" * 60,
            "DVC_AUDIT_KEY": "a" * 40,
        },
    )

    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout
    assert "False" in result.stdout
    assert "smtp.EmailBackend" in result.stdout
    assert "RedisCache" in result.stdout


def test_outside_the_embedded_mode_a_secret_key_is_required(tmp_path):
    result = _settings_value(
        "settings.SECRET_KEY",
        {"DVC_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://dvc@db.invalid:5432/dvc"},
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_outside_the_embedded_mode_an_audit_key_is_required(tmp_path):
    result = _settings_value(
        "settings.DVC_AUDIT_KEY",
        {
            "DVC_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://dvc@db.invalid:5432/dvc",
            "DJANGO_SECRET_KEY": "x" * 60,
        },
    )

    assert result.returncode != 0
    assert "DVC_AUDIT_KEY" in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DVC_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "DJANGO_SECRET_KEY": "k9$Lw2!pQ7#zV4@mX8^rT1&yB6*nC3(eH5)uJ0-sD2+fG9=aZ7_oW4|iK1",
            "DJANGO_ALLOWED_HOSTS": "dichvucong.example.vn",
            "DVC_AUDIT_KEY": "audit-key-kept-apart-from-the-secret-key",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr


PRODUCTION = {
    "DATABASE_URL": "postgres://dvc@db.invalid:5432/dvc",
    "REDIS_URL": "redis://127.0.0.1:6379/3",
    "DJANGO_SECRET_KEY": "x" * 60,
    "DVC_AUDIT_KEY": "a" * 40,
}


def test_in_production_every_cookie_is_secure_and_same_site(tmp_path):
    names = ("SESSION", "CSRF", "LANGUAGE")
    expr = ", ".join(
        f"settings.{name}_COOKIE_SECURE, settings.{name}_COOKIE_SAMESITE" for name in names
    )
    result = _settings_value(
        f"{expr}, settings.LANGUAGE_COOKIE_HTTPONLY", {"DVC_VAR_DIR": str(tmp_path), **PRODUCTION}
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True", "Lax"] * 3 + ["True"]


def test_trusted_proxies_default_to_loopback_and_refuse_a_bad_entry(tmp_path):
    default = _settings_value(
        "settings.DVC_TRUSTED_PROXIES", {"DVC_VAR_DIR": str(tmp_path), **PRODUCTION}
    )
    bad = _settings_value(
        "settings.DVC_TRUSTED_PROXIES",
        {"DVC_VAR_DIR": str(tmp_path), **PRODUCTION, "DVC_TRUSTED_PROXIES": "10.0.0.0/8,proxy"},
    )

    assert default.returncode == 0, default.stderr
    assert default.stdout.splitlines()[-1] == "['127.0.0.1/32', '::1/128']"
    assert bad.returncode != 0
    assert "proxy" in bad.stderr
