"""Service configuration, read from the environment only."""

import ipaddress
import re
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from argon2.profiles import RFC_9106_LOW_MEMORY
from fastapi import Depends, Request
from pydantic import Field, HttpUrl, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A browser's Origin: scheme, host and an optional port; no path, no wildcard.
_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?", re.IGNORECASE)
# OWASP's Password Storage Cheat Sheet: argon2id settings of equal strength,
# (memory KiB, passes) for one lane; more lanes do not make an attacker's work
# smaller. A cost is strong enough when it meets one of them.
ARGON2_FLOORS = ((47_104, 1), (19_456, 2), (12_288, 3), (9_216, 4), (7_168, 5))


def meets_argon2_floor(memory_kib: int, time_cost: int) -> bool:
    return any(memory_kib >= m and time_cost >= t for m, t in ARGON2_FLOORS)


# --8<-- [start:settings]
# --8<-- [start:database-settings]
# --8<-- [start:secret-field]
class DatabaseSettings(BaseSettings):
    """What every process that connects needs (the API, the worker, the
    migrations): the database and how long to wait on it; no other secret."""

    # Names match the variables one to one (DATABASE_URL, JWT_SECRET, ...).
    # No env_file: production reads the real environment or a secret manager.
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    # A DSN carries the database password, so it is a secret like the others.
    database_url: SecretStr = Field(
        examples=["postgresql+asyncpg://tasks:secret@localhost:5432/tasks"]
    )
    # --8<-- [end:secret-field]
    # Every wait has an end, in the API and the worker alike: for a pooled
    # connection, a statement, a row lock, a transaction a client left open.
    db_pool_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # Above 0 (PostgreSQL reads 0 as "no limit"), at most an hour.
    db_statement_timeout: timedelta = Field(
        default=timedelta(seconds=5), gt=timedelta(0), le=timedelta(hours=1)
    )
    db_lock_timeout: timedelta = Field(
        default=timedelta(seconds=2), gt=timedelta(0), le=timedelta(hours=1)
    )
    db_idle_in_transaction_timeout: timedelta = Field(
        default=timedelta(seconds=10), gt=timedelta(0), le=timedelta(hours=1)
    )

    @field_validator("database_url")
    @classmethod
    def _asyncpg_only(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("postgresql+asyncpg://"):
            raise ValueError("DATABASE_URL must start with postgresql+asyncpg://")
        return value
        # --8<-- [end:database-settings]


# --8<-- [start:log-level]
class Settings(DatabaseSettings):
    """Every knob of the service; secrets are SecretStr so they never print."""

    app_name: str = "tasks-service"
    environment: Literal["dev", "test", "staging", "prod"] = "dev"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # --8<-- [end:log-level]

    # Connections per process: as many as requests it runs in the database at
    # once, kept open. Overflow ones are opened per burst and closed after it
    # (a new PostgreSQL backend each time): 0 unless bursts are rare.
    db_pool_size: int = Field(default=10, ge=1, le=50)
    db_max_overflow: int = Field(default=0, ge=0, le=50)

    # --8<-- [start:token-ttl]
    jwt_secret: SecretStr = Field(min_length=32)
    jwt_algorithm: Literal["HS256"] = "HS256"
    # SEC-002: access tokens live 15 minutes at most; refresh tokens renew them.
    access_token_ttl: timedelta = Field(
        default=timedelta(minutes=15),
        gt=timedelta(0),
        le=timedelta(minutes=15),
    )
    refresh_token_ttl: timedelta = timedelta(days=14)
    # --8<-- [end:token-ttl]

    docs_enabled: bool = False  # internal API: docs hidden unless asked for
    # NoDecode: a comma-separated list reads better in an env file than JSON.
    cors_origins: Annotated[list[str], NoDecode] = []
    max_body_bytes: int = Field(default=1_048_576, ge=1024)

    # Observability: traces are off unless an exporter is chosen.
    # The OpenTelemetry SDK's own name for it; off unless chosen (the SDK's own
    # default is otlp). One exporter: a list such as "otlp,console" is refused.
    otel_traces_exporter: Literal["none", "console", "otlp"] = "none"
    # Idempotency-Key records are kept this long, then ignored and purged.
    idempotency_key_ttl: timedelta = timedelta(hours=24)
    # Sign-in attempts per window, counted in PostgreSQL (shared by workers):
    # per address and account pair, per address, and per account from all
    # addresses together. The per-account pace is skipped from an address the
    # account signed in from within LOGIN_KNOWN_ADDRESS_TTL, so many addresses
    # guessing cannot keep its owner out at their usual address.
    login_attempts_per_address_and_account: int = Field(default=5, ge=1)
    login_attempts_per_address: int = Field(default=20, ge=1)
    login_attempts_per_account: int = Field(default=10, ge=1)
    login_attempt_window: timedelta = timedelta(minutes=5)
    login_known_address_ttl: timedelta = Field(
        default=timedelta(days=30), gt=timedelta(0)
    )
    # POSTed when a task becomes `done`; no webhook when unset.
    webhook_url: HttpUrl | None = None
    webhook_budget_seconds: float = Field(default=10.0, gt=0, le=60)

    # --- Signed cursors, exports (the tasks API's block) ---
    # HMAC key of page cursors; unset, one is derived from JWT_SECRET for this
    # purpose only. Set it to rotate cursors apart from tokens.
    cursor_secret: SecretStr | None = Field(default=None, min_length=32)
    # Exports streaming at once, per process and per user; then a 429.
    export_max_concurrent: int = Field(default=4, ge=1, le=100)
    export_max_per_user: int = Field(default=1, ge=1, le=100)
    # A client that accepts no byte for this long loses its export.
    export_send_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    # Imports of one user neither done nor failed at once; then a 429.
    import_max_pending: int = Field(default=5, ge=1, le=100)

    # --- Auth: token keys, password hashing, proxies, limits (users domain) ---
    # Rotation: sign with JWT_SECRET under JWT_KEY_ID; tokens signed with an
    # old key verify while its `kid` is in JWT_PREVIOUS_KEYS (a JSON object).
    jwt_key_id: str = Field(default="1", pattern=r"^[A-Za-z0-9._-]{1,32}$")
    jwt_previous_keys: dict[str, Annotated[SecretStr, Field(min_length=32)]] = {}
    jwt_issuer: str = Field(default="tasks-service", min_length=1)
    jwt_audience: str = Field(default="tasks-api", min_length=1)
    # Argon2 hashes at once per process: each takes its memory cost and a core.
    password_hash_concurrency: int = Field(default=2, ge=1, le=32)
    # Hashes that may wait for a turn (~0.15 s each, 2 at once); more: a 503.
    password_hash_max_waiting: int = Field(default=16, ge=0, le=1000)
    # Argon2id's cost: RFC 9106's low-memory profile (3 passes over 64 MiB).
    # Raising either upgrades each stored hash at its owner's next sign-in.
    password_hash_time_cost: int = Field(
        default=RFC_9106_LOW_MEMORY.time_cost, ge=1, le=10
    )
    password_hash_memory_kib: int = Field(
        default=RFC_9106_LOW_MEMORY.memory_cost, ge=64, le=1_048_576
    )
    # A test suite's switch (with ENVIRONMENT=test too): costs below the floor.
    password_hash_weak_for_tests: bool = False
    # Peers (IPs or CIDRs) whose X-Forwarded-For names the client: the ingress.
    # Empty: the TCP peer is the client, and the header is ignored.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    registrations_per_address: int = Field(default=10, ge=1)
    registration_window: timedelta = timedelta(hours=1)
    # Registration mails one address receives, whoever registers it: no inbox
    # is flooded from many client addresses. Beyond it: the same 202, no mail.
    registration_mails_per_recipient: int = Field(default=3, ge=1)
    registration_mail_window: timedelta = timedelta(days=1)
    token_refreshes_per_address: int = Field(default=60, ge=1)
    token_refresh_window: timedelta = timedelta(minutes=5)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: list[str]) -> list[str]:
        for proxy in value:
            try:
                ipaddress.ip_network(proxy)  # an address is a network of one
            except ValueError:
                raise ValueError(
                    f"TRUSTED_PROXIES: {proxy!r} is not an IP address or network "
                    "(and `*` would let every client choose its own address)"
                ) from None
        return value

    @model_validator(mode="after")
    def _one_secret_per_key_id(self) -> "Settings":
        if self.jwt_key_id in self.jwt_previous_keys:
            raise ValueError("JWT_PREVIOUS_KEYS must not hold the current JWT_KEY_ID")
        return self

    @model_validator(mode="after")
    def _password_hash_floor(self) -> "Settings":
        # Below the floor a leaked table is cracked far faster. Only a test suite
        # (thousands of sign-ups) may go there, and only by asking twice.
        if self.password_hash_weak_for_tests and self.environment != "test":
            raise ValueError("PASSWORD_HASH_WEAK_FOR_TESTS needs ENVIRONMENT=test")
        strong = meets_argon2_floor(
            self.password_hash_memory_kib, self.password_hash_time_cost
        )
        if not strong and not self.password_hash_weak_for_tests:
            raise ValueError(
                "PASSWORD_HASH_MEMORY_KIB and PASSWORD_HASH_TIME_COST are below "
                "OWASP's argon2id floor (e.g. 19456 KiB and 2 passes, or 47104 KiB "
                "and 1 pass)"
            )
        return self

    # --- Scaling out: the Redis cache and metrics across worker processes ---
    # No REDIS_URL: nothing is cached, every read goes to PostgreSQL.
    redis_url: SecretStr | None = Field(default=None, examples=["redis://redis:6379/0"])
    # Every Redis call gives up after this: a slow Redis costs a request this
    # much at most, then the request is answered from PostgreSQL.
    redis_timeout_seconds: float = Field(default=0.25, gt=0, le=5)
    cache_ttl: timedelta = Field(default=timedelta(minutes=1), ge=timedelta(minutes=1))
    # /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`.
    metrics_token: SecretStr | None = Field(default=None, min_length=16)
    # Set (to an empty directory) when one container runs several processes:
    # prometheus-client adds up what every process wrote there.
    prometheus_multiproc_dir: Path | None = None

    @field_validator(
        "redis_url",
        "metrics_token",
        "prometheus_multiproc_dir",
        "cursor_secret",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value  # `NAME=` in an env file: off

    @field_validator("refresh_token_ttl")
    @classmethod
    def _refresh_window(cls, value: timedelta) -> timedelta:
        if not timedelta(days=7) <= value <= timedelta(days=30):
            raise ValueError("REFRESH_TOKEN_TTL must be between 7 and 30 days")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _exact_origins(cls, origins: list[str]) -> list[str]:
        # SEC-001: "*" (or "null") would let every site read the API.
        for origin in origins:
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"CORS_ORIGINS: {origin!r} is not an origin like https://app.example.com"
                )
        return origins


# --8<-- [end:settings]


# --8<-- [start:settings-factory]
@lru_cache
def get_settings() -> Settings:
    """Build the settings once, on first use, never at import time."""
    # Pydantic fills the required fields from the environment.
    return Settings()


async def app_settings(request: Request) -> Settings:
    """The settings the running app was built with (see `create_app`)."""
    # async although it awaits nothing: FastAPI sends a plain `def` dependency
    # to the thread pool, a hop per request for work that never blocks.
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
# --8<-- [end:settings-factory]
