"""Settings, declared in one place and read from the environment only when asked.

LUOSHI_DATABASE_URL     where the ledger lives (default sqlite:///./luoshi.db)
LUOSHI_SQLITE_SYNCHRONOUS  FULL (default: an acknowledged write survives a power cut)
                        or NORMAL (faster; a power cut may roll back the last commits)
LUOSHI_GREEN_WITHIN     points behind expected progress still green (default 10)
LUOSHI_AMBER_WITHIN     points behind expected progress still amber (default 25)
LUOSHI_STALLED_AFTER    missed reporting rounds that make a task stalled (default 2)
LUOSHI_SECRET_KEY       key that signs sessions and CSRF tokens (default: generated on
                        first run and kept in the database)
LUOSHI_SESSION_IDLE_MINUTES  minutes without a request before a sign-in expires (default 480)
LUOSHI_SESSION_MAX_DAYS days after which a sign-in expires however busy (default 7)
LUOSHI_LOGIN_ATTEMPTS   failed logins per username allowed in the window (default 5)
LUOSHI_LOGIN_ATTEMPTS_PER_ADDRESS  failed logins per address in the window (default 20)
LUOSHI_LOGIN_ATTEMPTS_TOTAL  failed logins of the whole site in the window (default 300)
LUOSHI_LOGIN_WINDOW_MINUTES  the window failed logins are counted in (default 15)
LUOSHI_LOGIN_MEMORY_MB  memory a server process gives password checks at once (default
                        192: three argon2 checks of 64 MB; more at once get 429)
LUOSHI_LOGIN_CHECKS     password checks at once per process, instead of the memory rule
LUOSHI_TRUSTED_PROXIES  addresses (or networks) of proxies whose X-Forwarded-For is
                        believed, comma-separated (default none: the peer's address)
LUOSHI_SECURE_COOKIES   1 to send cookies only over HTTPS (behind a TLS proxy)
LUOSHI_MAX_UPLOAD_MB    largest document accepted by upload (default 20)
LUOSHI_MAX_UNPACKED_MB  largest a .docx or PDF may be once decompressed (default 50);
                        the CLI and uploads refuse larger ones (decompression bombs)
LUOSHI_MAX_TEXT_CHARS   most characters of text a document may hold (5000000)
LUOSHI_FILES_DIR        where evidence files (佐证材料) are kept, by sha256 (default: the
                        folder luoshi-files beside the SQLite file, else ./luoshi-files)
LUOSHI_MAX_ATTACHMENT_MB  largest evidence file accepted (default 20)
LUOSHI_SMTP_URL         mail server for reminders: smtp://user:pass@host:25 (plain),
                        smtp+starttls://… (587) or smtps://… (465); ?from=address
LUOSHI_REMIND_AT        HH:MM at which ``luoshi serve`` sends the day's reminders (default
                        off); chase messages are then also sent within a minute
LUOSHI_UNSIGNED_AFTER_DAYS  days after which a task not acknowledged (签收) is flagged (3)
LUOSHI_PUBLIC_URL       the address people open the app at, for links in messages
LUOSHI_REMINDERS_FILE   a TOML file replacing the reminder schedule shipped with Luoshi
LUOSHI_SCORING_FILE     a TOML file replacing the unit assessment (考核) rules
LUOSHI_UPLOAD_SECONDS   time reading and extracting one upload may take (default 60)
LUOSHI_UPLOAD_MEMORY_MB memory reading and extracting one upload may use (default 1024)
LUOSHI_UPLOAD_WORKERS   uploads read at once per process; more get 503 (default 2)

Below the environment (and the CLI's flags) comes the local config file
``./luoshi.toml`` of the working directory, when someone has written one:
``database_url = "sqlite:////…/ledger.db"`` (``luoshi demo`` never writes it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from luoshi.errors import InputError
from luoshi.text.formats.limits import ReadLimits

DEFAULT_DATABASE_URL = "sqlite:///./luoshi.db"
LOCAL_CONFIG = Path("luoshi.toml")
CONFIG_KEYS = ("database_url",)


@dataclass(frozen=True)
class HealthRules:
    """健康规则: how far behind expected progress a task may fall before it changes colour."""

    green_within: float = 10.0
    amber_within: float = 25.0
    stalled_after: int = 2
    # 进度计入: "submitted" — a report counts as progress once submitted, until it is
    # returned; "accepted" — only once a supervisor accepts it (审核通过才计入). Either
    # way a submitted report counts as reported in its round (催办, missed rounds).
    progress_from: str = "submitted"

    @property
    def accepted_only(self) -> bool:
        return self.progress_from == "accepted"

    @property
    def key(self) -> str:
        """The rules as kept figures record them (``plan_state.rules``); the default
        progress_from adds nothing, so figures kept before it existed stay fresh."""
        key = f"{self.green_within:g}/{self.amber_within:g}/{self.stalled_after}"
        return key + "/accepted" if self.accepted_only else key


@dataclass(frozen=True)
class WebSettings:
    """网页: sign-in, sessions and uploads of the web app."""

    secret_key: str | None = None
    session_idle_minutes: float = 480.0
    login_attempts: int = 5
    login_window_minutes: float = 15.0
    secure_cookies: bool = False
    max_upload_mb: float = 20.0
    # A 20 MB .docx may unzip to gigabytes: refused before it is parsed, and any
    # document is refused past this much text, before extraction.
    max_unpacked_mb: float = 50.0
    max_text_chars: int = 5_000_000
    # A stolen token must not live for ever by being used: sign in again after this.
    session_max_days: float = 7.0
    login_attempts_per_address: int = 20
    login_attempts_total: int = 300
    # argon2 takes 64 MB a check (argon2-cffi's default memory_cost): a flood of
    # logins must not take the server's memory; past this many at once, 429.
    login_memory_mb: float = 192.0
    login_checks: int | None = None
    trusted_proxies: tuple[str, ...] = ()
    # Reading and extracting an upload runs in a child process with these budgets.
    upload_seconds: float = 60.0
    upload_memory_mb: float = 1024.0
    upload_workers: int = 2

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * 1024 * 1024)

    def password_checks(self, memory_per_check_mb: float) -> int:
        """How many password checks may run at once in one server process."""
        if self.login_checks is not None:
            return max(1, self.login_checks)
        return max(1, int(self.login_memory_mb // memory_per_check_mb))

    @property
    def read_limits(self) -> ReadLimits:
        """What the readers refuse: a .docx or PDF unpacking past the limit, too much text."""
        return ReadLimits(self.max_unpacked_bytes, self.max_text_chars)


@dataclass(frozen=True)
class WorkflowSettings:
    """督办: evidence files, reminders and their channels, acknowledgement, assessment."""

    files_dir: str | None = None
    max_attachment_mb: float = 20.0
    smtp_url: str | None = None
    remind_at: str | None = None
    unsigned_after_days: int = 3
    public_url: str = ""
    reminders_file: str | None = None
    scoring_file: str | None = None
    # How often ``luoshi serve`` looks for messages waiting to be sent (chases).
    outbox_seconds: float = 60.0

    @property
    def max_attachment_bytes(self) -> int:
        return int(self.max_attachment_mb * 1024 * 1024)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    health: HealthRules = field(default_factory=HealthRules)
    # The user the CLI acts as when no --as is given (本地管理员).
    local_admin: str = "local-admin"
    web: WebSettings = field(default_factory=WebSettings)
    workflow: WorkflowSettings = field(default_factory=WorkflowSettings)
    sqlite_synchronous: str = "FULL"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, config: Path | None = None, **overrides: Any
    ) -> Settings:
        """Settings from ``env`` (default ``os.environ``) over those of the ``config``
        file when given (missing: none); keyword overrides win."""
        env = os.environ if env is None else env
        local = read_config(config) if config is not None else {}
        rules = HealthRules(
            green_within=_number(env, "LUOSHI_GREEN_WITHIN", HealthRules.green_within),
            amber_within=_number(env, "LUOSHI_AMBER_WITHIN", HealthRules.amber_within),
            stalled_after=int(_number(env, "LUOSHI_STALLED_AFTER", HealthRules.stalled_after)),
            progress_from=_progress_from(env),
        )
        base = cls(
            database_url=env.get("LUOSHI_DATABASE_URL")
            or local.get("database_url")
            or DEFAULT_DATABASE_URL,
            sqlite_synchronous=env.get("LUOSHI_SQLITE_SYNCHRONOUS") or "FULL",
            health=rules,
            web=_web(env),
            workflow=_workflow(env),
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **given)


def read_config(path: Path) -> dict[str, str]:
    """The settings of a local config file (``luoshi.toml``); {} when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise InputError(f"无法读取配置文件 {path}：{e.strerror or e}") from None
    import tomllib  # only when there is a config file (8 ms of every start otherwise)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"配置文件 {path} 格式有误：{e}") from None
    unknown = sorted(set(data) - set(CONFIG_KEYS))
    if unknown:
        raise InputError(f"配置文件 {path} 中有不认识的设置：{'、'.join(unknown)}")
    values = {k: v for k, v in data.items() if isinstance(v, str)}
    if len(values) != len(data):
        raise InputError(f"配置文件 {path} 中的设置应为文字（用双引号括起）")
    return values


def _web(env: Mapping[str, str]) -> WebSettings:
    d = WebSettings()
    return WebSettings(
        secret_key=env.get("LUOSHI_SECRET_KEY") or None,
        session_idle_minutes=_number(env, "LUOSHI_SESSION_IDLE_MINUTES", d.session_idle_minutes),
        login_attempts=int(_number(env, "LUOSHI_LOGIN_ATTEMPTS", d.login_attempts)),
        login_window_minutes=_number(env, "LUOSHI_LOGIN_WINDOW_MINUTES", d.login_window_minutes),
        secure_cookies=env.get("LUOSHI_SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
        max_upload_mb=_number(env, "LUOSHI_MAX_UPLOAD_MB", d.max_upload_mb),
        max_unpacked_mb=_number(env, "LUOSHI_MAX_UNPACKED_MB", d.max_unpacked_mb),
        max_text_chars=int(_number(env, "LUOSHI_MAX_TEXT_CHARS", d.max_text_chars)),
        session_max_days=_number(env, "LUOSHI_SESSION_MAX_DAYS", d.session_max_days),
        login_attempts_per_address=int(
            _number(env, "LUOSHI_LOGIN_ATTEMPTS_PER_ADDRESS", d.login_attempts_per_address)
        ),
        login_attempts_total=int(
            _number(env, "LUOSHI_LOGIN_ATTEMPTS_TOTAL", d.login_attempts_total)
        ),
        login_memory_mb=_number(env, "LUOSHI_LOGIN_MEMORY_MB", d.login_memory_mb),
        login_checks=int(_number(env, "LUOSHI_LOGIN_CHECKS", 0)) or None,
        trusted_proxies=_list(env, "LUOSHI_TRUSTED_PROXIES"),
        upload_seconds=_number(env, "LUOSHI_UPLOAD_SECONDS", d.upload_seconds),
        upload_memory_mb=_number(env, "LUOSHI_UPLOAD_MEMORY_MB", d.upload_memory_mb),
        upload_workers=int(_number(env, "LUOSHI_UPLOAD_WORKERS", d.upload_workers)),
    )


def _workflow(env: Mapping[str, str]) -> WorkflowSettings:
    d = WorkflowSettings()
    remind_at = env.get("LUOSHI_REMIND_AT") or None
    if remind_at is not None and not _is_clock(remind_at):
        raise InputError(f"环境变量 LUOSHI_REMIND_AT「{remind_at}」应为时刻，如 08:30")
    return WorkflowSettings(
        files_dir=env.get("LUOSHI_FILES_DIR") or None,
        max_attachment_mb=_number(env, "LUOSHI_MAX_ATTACHMENT_MB", d.max_attachment_mb),
        smtp_url=env.get("LUOSHI_SMTP_URL") or None,
        remind_at=remind_at,
        unsigned_after_days=int(_number(env, "LUOSHI_UNSIGNED_AFTER_DAYS", d.unsigned_after_days)),
        public_url=(env.get("LUOSHI_PUBLIC_URL") or "").rstrip("/"),
        reminders_file=env.get("LUOSHI_REMINDERS_FILE") or None,
        scoring_file=env.get("LUOSHI_SCORING_FILE") or None,
    )


def _is_clock(text: str) -> bool:
    hh, sep, mm = text.partition(":")
    return bool(sep) and hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in env.get(name, "").split(",") if p.strip())


PROGRESS_FROM = {"submitted": "提交即计入", "accepted": "审核通过才计入"}


def _progress_from(env: Mapping[str, str]) -> str:
    text = (env.get("LUOSHI_PROGRESS_FROM") or HealthRules.progress_from).strip().lower()
    if text not in PROGRESS_FROM:
        choices = "、".join(f"{k}（{v}）" for k, v in PROGRESS_FROM.items())
        raise InputError(f"环境变量 LUOSHI_PROGRESS_FROM「{text}」应为 {choices}")
    return text


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise InputError(f"环境变量 {name}「{text}」不是数字") from None
