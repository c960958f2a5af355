"""Sending notifications through apprise (企业微信/钉钉/飞书群机器人, e-mail, webhooks).

Each channel's address comes from the environment variable yq.yaml names, so no key or password
is ever committed; and none is ever shown. apprise's own words about a channel quote its address
(an invalid DingTalk secret's token, the whole WeCom key, the Lark URL with its token, a webhook's
host), so they are never printed: while sending, logging is off and warnings are ignored, a
failure is said in our words naming the channel and its variable, an exception by its type only,
and the address is left out of every repr. What ``due --notify`` announced is remembered in
``.yqctl/notified.json`` (local to the clone, like the index) so that cron does not repeat it
every few minutes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from yqctl.core.config import CHANNEL_SCHEMES, Channel
from yqctl.core.notify import Message
from yqctl.errors import YqError
from yqctl.store.files import atomic_write, read_local
from yqctl.store.index import CACHE_DIR, ensure_cache_dir

ANNOUNCED_FILE = "notified.json"


@dataclass(frozen=True)
class Target:
    channel: Channel
    url: str = field(repr=False)  # carries the key


@dataclass(frozen=True)
class Delivery:
    channel: Channel
    reason: str = ""  # why it was not sent, in our words; "" when it was

    @property
    def ok(self) -> bool:
        return not self.reason


def targets(channels: list[Channel], event: str, env: Mapping[str, str]) -> list[Target]:
    """The channels for ``event`` with their addresses; every missing or misplaced address is
    reported at once, before anything is sent."""
    chosen = [c for c in channels if event in c.events]
    if not chosen:
        raise YqError(
            "yq.yaml 中没有配置通知渠道（notify）：添加企业微信、钉钉、飞书群机器人或邮箱，"
            "地址放在环境变量中，见 README“通知”一节"
        )
    found, wrong = [], []
    for channel in chosen:
        url = env.get(channel.url_env, "").strip()
        schemes = CHANNEL_SCHEMES[channel.kind]
        if not url:
            wrong.append(f"{channel.name}：环境变量 {channel.url_env} 未设置")
        elif not url.startswith(schemes):
            wrong.append(
                f"{channel.name}：环境变量 {channel.url_env} 的地址应以 {' 或 '.join(schemes)} 开头"
            )
        else:
            found.append(Target(channel, url))
    if wrong:
        raise YqError("无法发送通知（未发送任何消息）：\n  " + "\n  ".join(wrong))
    return found


def send(message: Message, to: list[Target]) -> list[Delivery]:
    return [Delivery(target.channel, _deliver(message, target.url)) for target in to]


def _deliver(message: Message, url: str) -> str:
    """'' once sent, else why not, in words that hold no part of ``url``."""
    import apprise

    kind = apprise.NotifyType.WARNING if message.urgent else apprise.NotifyType.INFO
    sender = apprise.Apprise()
    try:
        with _silenced():
            if not sender.add(url):
                return "地址无法解析：格式不对，或密钥、令牌中有多余或缺少的字符"
            if sender.notify(body=message.body, title=message.title, notify_type=kind):
                return ""
    except Exception as exc:  # apprise's own failure: its text may quote the address
        return f"发送时出错（{type(exc).__name__}）"
    return "无法连接或对方拒收：检查网络，核对地址与密钥，确认机器人未被停用"


@contextlib.contextmanager
def _silenced() -> Iterator[None]:
    """No log record (apprise's, urllib3's) reaches any handler, and no warning is shown."""
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)


def load_announced(root: Path) -> dict[str, str]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(
            (read_local(root / CACHE_DIR / ANNOUNCED_FILE, 64 << 20) or b"{}").decode()
        )
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items()}
    return {}


def save_announced(root: Path, state: dict[str, str]) -> None:
    folder = ensure_cache_dir(root)
    atomic_write(folder / ANNOUNCED_FILE, json.dumps(state, ensure_ascii=False, sort_keys=True))
