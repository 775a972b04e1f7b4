"""The password rules and the list of common passwords shipped with the package."""

from __future__ import annotations

import pytest

from luoshi.errors import InputError
from luoshi.ledger import passwords


def test_the_shipped_list_is_lower_case_and_without_repeats() -> None:
    known = passwords.common()
    assert len(known.words) > 100 and len(known.passwords) > 50 and known.adjacent
    for entries in (known.words, known.passwords):
        assert all(e == e.lower() and e.strip() == e and e for e in entries)
    # Every whole password listed is long enough to need the list at all.
    assert all(len(p) >= passwords.MIN_LENGTH for p in known.passwords)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short-one", "至少 12 个字符"),
        ("12345678", "至少 12 个字符"),
        ("Password2024!", "常见的词"),
        ("2024PASSWORD", "常见的词"),
        ("passwordpassword", "常见的词"),
        ("woaini1314520", "常见的词"),
        ("zhangsan19900101", "常见的词"),
        ("admin_password!", "常见的词拼成"),
        ("1qaz2wsx3edc", "连续按键"),
        ("0987654321qw", "连续按键"),
        ("asdfghjkl;'123", "连续按键"),
        ("123456789012", "连续按键"),
        ("hunter2hunter2", "重复"),
        ("1q2w3e4r5t6y", "常见密码"),
        ("my-name-is-lin-ok", "用户名"),
    ],
)
def test_guessable_passwords_are_refused_saying_why(password: str, why: str) -> None:
    with pytest.raises(InputError, match=why):
        passwords.check(password, "lin")


@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-9",
        "maple river lantern",
        "Tr0ub4dor&3xyzw",
        "kP9#mQ2vL7wz",
        "江边的灯塔昨夜亮了整整两次",
    ],
)
def test_long_unguessable_passwords_pass(password: str) -> None:
    passwords.check(password, "lin")
