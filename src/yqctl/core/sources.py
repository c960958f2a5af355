"""Recognising where a post was published from its link."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from yqctl.core.enums import Platform

# A host and its subdomains; the first that matches wins, so a narrower host stands before the
# wider one it is part of (channels.weixin.qq.com before weixin.qq.com)
_HOSTS: tuple[tuple[str, Platform], ...] = (
    ("weibo.com", Platform.weibo),
    ("weibo.cn", Platform.weibo),
    ("mp.weixin.qq.com", Platform.official_account),
    ("channels.weixin.qq.com", Platform.wechat_channels),
    ("weixin.qq.com", Platform.wechat),
    ("douyin.com", Platform.douyin),
    ("iesdouyin.com", Platform.douyin),
    ("kuaishou.com", Platform.kuaishou),
    ("gifshow.com", Platform.kuaishou),  # 快手's former name: its share pages
    ("chenzhongtech.com", Platform.kuaishou),  # 快手's company: its share pages
    ("xiaohongshu.com", Platform.xiaohongshu),
    ("xhslink.com", Platform.xiaohongshu),  # 小红书's short links
    ("bilibili.com", Platform.bilibili),
    ("b23.tv", Platform.bilibili),  # B站's short links
    ("zhihu.com", Platform.zhihu),
    ("toutiao.com", Platform.toutiao),
    ("douban.com", Platform.douban),
    ("tieba.baidu.com", Platform.tieba),
)
# 视频号 videos shared outside WeChat are weixin.qq.com/sph/<id>
_PATHS: tuple[tuple[str, str, Platform], ...] = (
    ("weixin.qq.com", "/sph/", Platform.wechat_channels),
)
# A post's link, matched whole (fullmatch): `$` would also let a final newline through
URL_RE = re.compile(r"https?://\S+")


def guess_platform(url: str) -> Platform:
    """The platform a link points to; ``other`` when the host is not one we know."""
    try:
        parts = urlparse(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # http://[x/… passes URL_RE but is no URL python can split
        return Platform.other
    for exact, prefix, platform in _PATHS:
        if host == exact and parts.path.startswith(prefix):
            return platform
    for suffix, platform in _HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return platform
    if host.endswith(".edu.cn"):
        return Platform.campus_site
    return Platform.other
