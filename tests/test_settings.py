"""Settings come from the environment only when asked, with overrides on top."""

from __future__ import annotations

import pytest

from luoshi.errors import InputError
from luoshi.settings import DEFAULT_DATABASE_URL, Settings, StatusRules


def test_defaults_without_environment() -> None:
    s = Settings.from_env({})
    assert s.database_url == DEFAULT_DATABASE_URL == "sqlite:///./luoshi.db"
    assert s.status == StatusRules(10.0, 25.0, 2)


def test_environment_and_overrides() -> None:
    env = {
        "LUOSHI_DATABASE_URL": "postgresql+psycopg://u@h/db",
        "LUOSHI_GREEN_WITHIN": "5",
        "LUOSHI_AMBER_WITHIN": "15.5",
        "LUOSHI_STALLED_AFTER": "3",
    }
    s = Settings.from_env(env)
    assert s.database_url == "postgresql+psycopg://u@h/db"
    assert s.status == StatusRules(5.0, 15.5, 3)
    assert Settings.from_env(env, database_url="sqlite://").database_url == "sqlite://"
    assert Settings.from_env(env, database_url=None).database_url.startswith("postgresql")


def test_a_bad_number_names_the_variable() -> None:
    with pytest.raises(InputError, match="LUOSHI_GREEN_WITHIN「ten」不是数字"):
        Settings.from_env({"LUOSHI_GREEN_WITHIN": "ten"})
