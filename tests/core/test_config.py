from __future__ import annotations

import stat
from pathlib import Path

import pytest

from dinner1.config import ConfigError, load_settings, normalize_database_url


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the environment; the run's own DATABASE_URL must not leak in."""
    import os

    for name in list(os.environ):
        if name in ("DATABASE_URL", "REDIS_URL") or name.startswith("DINNER1_"):
            monkeypatch.delenv(name)


def test_embedded_defaults_generate_private_secrets(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'dinner1.db'}"
    secret_file = tmp_path / "secrets.json"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    again = load_settings(data_dir=tmp_path)
    assert again.secret_key_value() == settings.secret_key_value()  # stable across restarts
    assert len(settings.secret_key_value()) >= 32


def test_production_refuses_a_missing_or_default_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DINNER1_ENV", "production")
    with pytest.raises(ConfigError):
        load_settings(data_dir=tmp_path)
    monkeypatch.setenv("DINNER1_SECURITY__SECRET_KEY", "changeme")
    with pytest.raises(ConfigError):
        load_settings(data_dir=tmp_path)
    assert not (tmp_path / "secrets.json").exists()
    monkeypatch.setenv("DINNER1_SECURITY__SECRET_KEY", "k" * 48)
    monkeypatch.setenv("DINNER1_SECURITY__ENCRYPTION_KEYS", '["' + "A" * 43 + '="]')
    assert load_settings(data_dir=tmp_path).env == "production"


def test_database_urls_are_normalized() -> None:
    assert normalize_database_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalize_database_url("sqlite:////tmp/x.db") == "sqlite+aiosqlite:////tmp/x.db"
    with pytest.raises(ConfigError):
        normalize_database_url("mysql://u@h/db")


def test_environment_variables_configure_everything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db/dinner1")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("DINNER1_MAIL__SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("DINNER1_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.database_url == "postgresql+asyncpg://postgres@db/dinner1"
    assert settings.redis_url == "redis://cache:6379/0"
    assert settings.mail.smtp_host == "smtp.example.com"
    assert settings.data_dir == tmp_path
    assert settings.jobs_in_process is False
