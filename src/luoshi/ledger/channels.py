"""提醒的渠道: email over SMTP and chat webhooks, all sent through apprise.

``LUOSHI_SMTP_URL`` names the mail server (smtp://, smtp+starttls://, smtps://, with
``?from=``); a unit's webhook is an apprise URL (dingtalk://, wecombot://,
feishu://, json://) or the address the chat service gave (钉钉, 企业微信 and 飞书
robot addresses are recognised; any other http(s) address gets a JSON post).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from luoshi.errors import InputError

_DINGTALK = re.compile(r"^https://oapi\.dingtalk\.com/robot/send\?(?:.*&)?access_token=([\w-]+)")
_WECOM = re.compile(r"^https://qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?(?:.*&)?key=([\w-]+)")
_FEISHU = re.compile(r"^https://open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/([\w-]+)")
_APPRISE_SCHEMES = ("dingtalk", "wecombot", "feishu", "lark", "json", "jsons")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_SMTP_MODES = {"smtp": ("mailto", "insecure"), "smtp+starttls": ("mailtos", "starttls"),
               "smtps": ("mailtos", "ssl")}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str | None = None


def check_email(address: str) -> str:
    address = address.strip()
    if not _EMAIL.match(address):
        raise InputError(f"电子邮箱「{address}」格式不正确，应如 office@example.gov.cn")
    return address


def webhook_url(url: str) -> str:
    """The apprise URL of a unit's webhook; refused with a reason when unusable."""
    import apprise

    url = url.strip()
    if m := _DINGTALK.match(url):
        url = f"dingtalk://{m[1]}/"
    elif m := _FEISHU.match(url):
        url = f"feishu://{m[1]}/"
    elif m := _WECOM.match(url):
        url = f"wecombot://{m[1]}/"
    scheme = url.partition("://")[0].lower()
    if scheme in ("http", "https"):
        # Any other address gets the message as JSON (title, message, type).
        url = ("jsons" if scheme == "https" else "json") + url[len(scheme) :]
    elif scheme not in (*_APPRISE_SCHEMES, "http", "https"):
        raise InputError(
            f"webhook 地址「{url}」无法识别：请填写钉钉、企业微信、飞书机器人的地址，"
            "或 http(s):// 开头的地址（收到 JSON）"
        )
    if apprise.Apprise.instantiate(url) is None:
        raise InputError(f"webhook 地址「{url}」无法使用，请核对机器人地址")
    return url


def mask(url: str) -> str:
    """A webhook for the record, its secret token hidden."""
    parts = urlsplit(url)
    path = parts.path if len(parts.path) <= 12 else parts.path[:8] + "…"
    return f"{parts.scheme}://{parts.hostname or ''}{path}" + ("?…" if parts.query else "")


def smtp_apprise_url(smtp_url: str, to: list[str]) -> str:
    """LUOSHI_SMTP_URL with its recipients, as apprise's mailto:// URL."""
    parts = urlsplit(smtp_url)
    mode = _SMTP_MODES.get(parts.scheme.lower())
    if mode is None or not parts.hostname:
        raise InputError(
            f"LUOSHI_SMTP_URL「{mask(smtp_url)}」无效，应如 smtp://user:pass@mail.example.gov:25?from=…"
        )
    scheme, secure = mode
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    sender = query.get("from") or (
        parts.username if parts.username and "@" in parts.username else ""
    )
    if not sender:
        sender = f"luoshi@{parts.hostname}"
    auth = ""
    if parts.username:
        auth = (
            quote(parts.username, safe="")
            + (":" + quote(parts.password or "", safe="") if parts.password else "")
            + "@"
        )
    port = f":{parts.port}" if parts.port else ""
    params = {"smtp": parts.hostname, "mode": secure, "from": sender, "to": ",".join(to),
              "format": "text"}  # fmt: skip
    return f"{scheme}://{auth}{parts.hostname}{port}/?{urlencode(params)}"


def send(url: str, subject: str, body: str, attach: list[Path] | None = None) -> Outcome:
    """Send one message to one apprise URL; the error apprise logged when it fails."""
    import apprise

    box = apprise.Apprise()
    if not box.add(url):
        return Outcome(False, "渠道地址无法识别")
    with apprise.LogCapture(level=logging.DEBUG) as log:  # type: ignore[no-untyped-call]
        files = apprise.AppriseAttachment([str(p) for p in attach]) if attach else None
        ok = bool(box.notify(title=subject, body=body, attach=files))
        text = log.getvalue()
    return Outcome(True) if ok else Outcome(False, _reason(text))


def _reason(log: str) -> str:
    """The most telling lines apprise logged: its warnings and the socket error."""
    keep = [
        line.split(" - ", 2)[-1].strip()
        for line in log.splitlines()
        if " - WARNING - " in line or " - ERROR - " in line or "Exception" in line
    ]
    return "；".join(dict.fromkeys(keep))[:1000] or "发送失败（原因未知）"
