"""All settings in one place; every default is safe for the embedded single-machine setup."""

from __future__ import annotations

import json
import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal, TypedDict

from cryptography.fernet import Fernet
from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRETS_FILE = "secrets.json"
# Values that show up in tutorials and .env examples; never acceptable in production.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "development"})


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to change."""


class DatabaseSettings(BaseModel):
    pool_size: int = 10
    max_overflow: int = 20
    echo: bool = False
    # Driver connections for the hot single-row reads (db/fastread.py); SQLite uses a
    # quarter of them (each is a thread).
    fast_read_connections: int = 8


class SecuritySettings(BaseModel):
    secret_key: SecretStr | None = None
    # Fernet keys for fields encrypted at rest, newest first (MultiFernet rotation order).
    encryption_keys: list[SecretStr] = Field(default_factory=list)
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_days: int = 30
    web_session_ttl_hours: int = 14 * 24
    email_token_ttl_hours: int = 48
    password_reset_ttl_minutes: int = 60
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    password_min_length: int = 10
    password_max_length: int = 128


class MailSettings(BaseModel):
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_ssl: bool = False
    from_address: str = "Dinner1 <no-reply@dinner1.localhost>"


class RateLimitSettings(BaseModel):
    enabled: bool = True
    login_attempts_per_ip_per_minute: int = 30
    login_failures_free: int = 5
    login_max_delay_seconds: int = 15 * 60
    failure_window_seconds: int = 15 * 60
    sensitive_per_ip_per_hour: int = 20


class HttpSettings(BaseModel):
    max_body_bytes: int = 1024 * 1024
    upload_max_bytes: int = 11 * 1024 * 1024
    public_url: str | None = None
    trust_proxy_headers: bool = False
    metrics_enabled: bool = True
    # "notable": writes, errors and slow requests (metrics count every request); "all".
    access_log: Literal["all", "notable", "off"] = "notable"
    # The collector's youngest-generation threshold in a serving process. Python's default
    # (700) runs a collection every few requests once dozens are in flight, each pass
    # walking every live request's objects; a higher one trades a few MB for throughput.
    gc_young_threshold: int = Field(default=10_000, ge=100, le=1_000_000)


class LocaleSettings(BaseModel):
    default_locale: str = "en"
    supported_locales: tuple[str, ...] = ("en", "fr", "ar")
    default_currency: str = "MAD"
    default_timezone: str = "Africa/Casablanca"
    # Dirhams per unit, for approximate conversions shown beside venue prices.
    exchange_rates: dict[str, float] = {"MAD": 1.0, "EUR": 10.8, "USD": 9.9}


class BookingSettings(BaseModel):
    # Commission on honoured (and no-show) bookings, in percent of what the diner paid.
    platform_fee_percent: float = 10.0
    # Members get everything back when they cancel at least this long before the start.
    free_cancellation_hours: int = 2
    # Hosts can check a party in from this long before the start …
    check_in_opens_minutes: int = 60
    # … until this long after; later, the booking counts as a no-show.
    check_in_closes_minutes: int = 90
    # Upcoming bookings one member may hold at once (no seat hoarding).
    max_upcoming_per_member: int = 5
    # Loyalty: points per 10 MAD (or its equivalent) spent on an honoured booking.
    points_per_10_mad: int = 1
    points_per_review: int = 20


class CrisisLine(BaseModel):
    name: str
    phone: str | None = None
    url: str | None = None
    hours: str | None = None


class SafetySettings(BaseModel):
    # Minutes to first moderator action, by severity (4 = crisis … 1 = low).
    sla_minutes: dict[int, int] = {4: 15, 3: 60, 2: 24 * 60, 1: 72 * 60}
    # Risk score (0–1) at which an account is throttled and queued for review.
    risk_throttle_at: float = 0.7
    risk_review_at: float = 0.45
    phone_code_ttl_minutes: int = 10
    phone_code_attempts: int = 5
    # "console" keeps SMS in the outbox (operators and tests read them); a gateway later.
    sms_backend: Literal["console"] = "console"
    # Crisis resources shown to a member who writes crisis language, per country (ISO code;
    # "international" is the fallback). Operators check and update these numbers.
    crisis_lines: dict[str, list[CrisisLine]] = {
        "MA": [
            CrisisLine(name="Protection civile (ambulance)", phone="15"),
            CrisisLine(name="Police", phone="19"),
        ],
        "FR": [
            CrisisLine(
                name="3114 — numéro national de prévention du suicide", phone="3114", hours="24/7"
            ),
            CrisisLine(name="SAMU", phone="15"),
        ],
        "international": [
            CrisisLine(
                name="Find a helpline (worldwide directory)", url="https://findahelpline.com"
            ),
            CrisisLine(name="Emergency services", phone="112"),
        ],
    }


class PrivacySettings(BaseModel):
    # Days between a deletion request and the erasure of personal data.
    deletion_grace_days: int = 30
    # Accounts inactive this long are anonymized.
    inactivity_anonymize_days: int = 730


class Settings(BaseSettings):
    """Read from `DINNER1_*` variables (nested with `__`), plus `DATABASE_URL` and `REDIS_URL`."""

    model_config = SettingsConfigDict(
        env_prefix="DINNER1_", env_nested_delimiter="__", extra="ignore", populate_by_name=True
    )

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("data")
    database_url_raw: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "DINNER1_DATABASE_URL")
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "DINNER1_REDIS_URL")
    )
    redis_prefix: str = "dinner1:"
    default_tenant_slug: str = "dinner1"
    default_tenant_name: str = "Dinner1"
    run_jobs_in_process: bool | None = None

    database: DatabaseSettings = DatabaseSettings()
    security: SecuritySettings = SecuritySettings()
    mail: MailSettings = MailSettings()
    rate_limit: RateLimitSettings = RateLimitSettings()
    http: HttpSettings = HttpSettings()
    locale: LocaleSettings = LocaleSettings()
    bookings: BookingSettings = BookingSettings()
    safety: SafetySettings = SafetySettings()
    privacy: PrivacySettings = PrivacySettings()

    @cached_property
    def database_url(self) -> str:
        if not self.database_url_raw:
            return f"sqlite+aiosqlite:///{(self.data_dir / 'dinner1.db').resolve()}"
        return normalize_database_url(self.database_url_raw)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def jobs_in_process(self) -> bool:
        """Without a broker the app runs its own jobs; with Redis, `dinner1 worker` does."""
        if self.run_jobs_in_process is not None:
            return self.run_jobs_in_process
        return self.redis_url is None

    def secret_key_value(self) -> str:
        if self.security.secret_key is None:
            raise ConfigError("secrets not loaded; call load_settings()")
        return self.security.secret_key.get_secret_value()


def normalize_database_url(url: str) -> str:
    """Accept the usual `postgres://` and `sqlite:///` spellings and pick the async drivers."""
    for prefix, replacement in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(prefix):
            return replacement + url[len(prefix) :]
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise ConfigError(f"unsupported DATABASE_URL scheme: {url.split(':', 1)[0]!r}")


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, then fill secrets (generated into the data dir)."""
    settings = Settings(**overrides)  # type: ignore[arg-type]
    settings.data_dir = settings.data_dir.resolve()
    _fill_secrets(settings)
    return settings


def _fill_secrets(settings: Settings) -> None:
    sec = settings.security
    if settings.env == "production":
        key = sec.secret_key.get_secret_value() if sec.secret_key else ""
        if key.strip().lower() in PLACEHOLDER_SECRETS or len(key) < 32:
            raise ConfigError(
                "production needs DINNER1_SECURITY__SECRET_KEY set to a random value of "
                "at least 32 characters (generated secrets are for the embedded setup only)"
            )
        if not sec.encryption_keys:
            raise ConfigError(
                "production needs DINNER1_SECURITY__ENCRYPTION_KEYS (a JSON list of Fernet keys)"
            )
        return
    if sec.secret_key is not None and sec.encryption_keys:
        return
    stored = _load_or_create_secret_file(settings.data_dir)
    if sec.secret_key is None:
        sec.secret_key = SecretStr(stored["secret_key"])
    if not sec.encryption_keys:
        sec.encryption_keys = [SecretStr(k) for k in stored["encryption_keys"]]


class _StoredSecrets(TypedDict):
    secret_key: str
    encryption_keys: list[str]


def _load_or_create_secret_file(data_dir: Path) -> _StoredSecrets:
    path = data_dir / SECRETS_FILE
    if path.exists():
        loaded: _StoredSecrets = json.loads(path.read_text())
        return loaded
    data_dir.mkdir(parents=True, exist_ok=True)
    generated: _StoredSecrets = {
        "secret_key": secrets.token_urlsafe(48),
        "encryption_keys": [Fernet.generate_key().decode()],
    }
    # Create with 0600 so the file is never world-readable, even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(generated, handle)
    return generated
