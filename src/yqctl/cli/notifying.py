"""``--notify`` for ``due`` and ``grade``: send a message to yq.yaml's channels, or with
``--dry-run`` show what would be sent."""

import os
from typing import TYPE_CHECKING

from yqctl.cli.common import write

if TYPE_CHECKING:
    from yqctl.core.notify import Message
    from yqctl.store.repo import Repo


def notify(store: "Repo", message: "Message | None", event: str, *, dry_run: bool) -> bool:
    """True if every channel took it (or nothing had to be sent)."""
    from yqctl.store.notifier import send, targets

    to = targets(store.config.notify, event, os.environ)  # checked even when there is nothing
    if message is None:
        write("没有需要通知的新情况，未发送\n", err=True)
        return True
    names = "、".join(t.channel.name for t in to)
    if dry_run:
        write(f"【试发送，未发出】将发到：{names}\n{message.title}\n{message.body}\n", err=True)
        return True
    failed = [d for d in send(message, to) if not d.ok]
    for delivery in failed:  # the channel and its variable, never any part of the address
        channel = delivery.channel
        write(
            f"通知发送失败：{channel.name}（环境变量 {channel.url_env}）：{delivery.reason}；"
            f'可运行 apprise -vv -b 测试 "${channel.url_env}" 查看详细原因（会显示地址）\n',
            err=True,
        )
    if not failed:
        write(f"已通知：{names}\n", err=True)
    return not failed
