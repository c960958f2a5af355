"""Sending notifications through apprise (企业微信/钉钉/飞书群机器人, e-mail, webhooks).

Each channel's address comes from the environment variable yq.yaml names, so no key or password
is ever committed. What ``due --notify`` announced is remembered in ``.yqctl/notified.json``
(local to the clone, like the index) so that cron does not repeat it every few minutes.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from yqctl.core.config import CHANNEL_SCHEMES, Channel
from yqctl.core.notify import Message
from yqctl.errors import YqError
from yqctl.store.files import atomic_write, read_local
from yqctl.store.index import CACHE_DIR, ensure_cache_dir
from yqctl.textutil import first_line

ANNOUNCED_FILE = "notified.json"


@dataclass(frozen=True)
class Target:
    channel: Channel
    url: str


@dataclass(frozen=True)
class Delivery:
    channel: str
    ok: bool
    detail: str = ""  # what apprise said when it failed


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
    import apprise

    kind = apprise.NotifyType.WARNING if message.urgent else apprise.NotifyType.INFO
    results = []
    for target in to:
        sender = apprise.Apprise()
        with apprise.LogCapture(level=apprise.logging.WARNING) as said:  # type: ignore[no-untyped-call]
            ok = sender.add(target.url) and sender.notify(
                body=message.body, title=message.title, notify_type=kind
            )
        # apprise's log lines carry the robot's key in URLs only at debug level; warnings do not
        detail = "" if ok else first_line(said.getvalue()) or "地址无效或对方拒收"
        results.append(Delivery(target.channel.name, bool(ok), detail))
    return results


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
