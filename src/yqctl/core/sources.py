"""Recognising where a post was published from its link."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from yqctl.core.enums import Platform

_HOSTS: tuple[tuple[str, Platform], ...] = (
    ("weibo.com", Platform.weibo),
    ("weibo.cn", Platform.weibo),
    ("mp.weixin.qq.com", Platform.official_account),
    ("weixin.qq.com", Platform.wechat),
    ("douyin.com", Platform.douyin),
    ("iesdouyin.com", Platform.douyin),
    ("tieba.baidu.com", Platform.tieba),
)
# A post's link, matched whole (fullmatch): `$` would also let a final newline through
URL_RE = re.compile(r"https?://\S+")


def guess_platform(url: str) -> Platform:
    """The platform a link points to; ``other`` when the host is not one we know."""
    host = (urlparse(url).hostname or "").lower()
    for suffix, platform in _HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return platform
    if host.endswith(".edu.cn"):
        return Platform.campus_site
    return Platform.other
