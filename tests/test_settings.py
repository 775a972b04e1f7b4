"""Settings come from the environment only when asked, with overrides on top."""

from __future__ import annotations

import pytest

from luoshi.errors import InputError
from luoshi.settings import DEFAULT_DATABASE_URL, HealthRules, Settings, WebSettings


def test_defaults_without_environment() -> None:
    s = Settings.from_env({})
    assert s.database_url == DEFAULT_DATABASE_URL == "sqlite:///./luoshi.db"
    assert s.health == HealthRules(10.0, 25.0, 2)


def test_environment_and_overrides() -> None:
    env = {
        "LUOSHI_DATABASE_URL": "postgresql+psycopg://u@h/db",
        "LUOSHI_GREEN_WITHIN": "5",
        "LUOSHI_AMBER_WITHIN": "15.5",
        "LUOSHI_STALLED_AFTER": "3",
    }
    s = Settings.from_env(env)
    assert s.database_url == "postgresql+psycopg://u@h/db"
    assert s.health == HealthRules(5.0, 15.5, 3)
    assert Settings.from_env(env, database_url="sqlite://").database_url == "sqlite://"
    assert Settings.from_env(env, database_url=None).database_url.startswith("postgresql")


def test_a_bad_number_names_the_variable() -> None:
    with pytest.raises(InputError, match="LUOSHI_GREEN_WITHIN「ten」不是数字"):
        Settings.from_env({"LUOSHI_GREEN_WITHIN": "ten"})


def test_web_settings_from_the_environment() -> None:
    assert Settings.from_env({}).web == WebSettings()
    web = Settings.from_env(
        {
            "LUOSHI_SECRET_KEY": "k" * 40,
            "LUOSHI_SESSION_IDLE_MINUTES": "30",
            "LUOSHI_LOGIN_ATTEMPTS": "3",
            "LUOSHI_LOGIN_WINDOW_MINUTES": "5",
            "LUOSHI_SECURE_COOKIES": "1",
            "LUOSHI_MAX_UPLOAD_MB": "2.5",
            "LUOSHI_MAX_UNPACKED_MB": "10",
            "LUOSHI_MAX_TEXT_CHARS": "100000",
            "LUOSHI_SESSION_MAX_DAYS": "1.5",
        }
    ).web
    assert web == WebSettings("k" * 40, 30.0, 3, 5.0, True, 2.5, 10.0, 100_000, 1.5)
    assert web.max_upload_bytes == 2_621_440 and web.max_unpacked_bytes == 10_485_760


def test_progress_counts_on_submission_unless_told_to_wait_for_acceptance() -> None:
    assert Settings.from_env({}).health.progress_from == "submitted"
    accepted = Settings.from_env({"LUOSHI_PROGRESS_FROM": "Accepted"}).health
    assert accepted.accepted_only and accepted.key.endswith("/accepted")
    assert not Settings.from_env({}).health.key.endswith("/accepted")  # kept figures stay
    with pytest.raises(InputError, match="LUOSHI_PROGRESS_FROM「approved」应为"):
        Settings.from_env({"LUOSHI_PROGRESS_FROM": "approved"})
