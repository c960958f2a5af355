"""Where a post was published, from its link: the platforms people actually see (issue 19 item 9),
each by its hosts and short links, so that a case and the reports do not count them as 其他."""

from __future__ import annotations

import pytest

from yqctl.core.enums import Platform
from yqctl.core.sources import guess_platform


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://www.xiaohongshu.com/explore/6738b2f4000000001d03a9c2", Platform.xiaohongshu),
        ("http://xhslink.com/a/Ab12Cd", Platform.xiaohongshu),  # 小红书's short link
        ("https://www.zhihu.com/question/638412950", Platform.zhihu),
        ("https://zhuanlan.zhihu.com/p/712345", Platform.zhihu),
        ("https://www.bilibili.com/video/BV1Xx4y1z7Kq", Platform.bilibili),
        ("https://b23.tv/Ab12Cd3", Platform.bilibili),  # B站's short link
        ("https://m.bilibili.com/video/BV1", Platform.bilibili),
        ("https://www.kuaishou.com/short-video/3xq8", Platform.kuaishou),
        ("https://v.kuaishou.com/Ab12", Platform.kuaishou),
        ("https://m.gifshow.com/fw/photo/3x", Platform.kuaishou),
        ("https://channels.weixin.qq.com/web/pages/feed?id=1", Platform.wechat_channels),
        ("https://weixin.qq.com/sph/AbC123", Platform.wechat_channels),  # 视频号 shared out
        ("https://weixin.qq.com/r/abc", Platform.wechat),
        ("https://mp.weixin.qq.com/s/Lm2Vb7xQ0pRt5KdE9cWyHg", Platform.official_account),
        ("https://www.toutiao.com/article/7440102938475611234/", Platform.toutiao),
        ("https://m.toutiao.com/is/Ab12/", Platform.toutiao),
        ("https://www.douban.com/group/topic/312458760/", Platform.douban),
        ("https://weibo.com/7301928845/PbQ3kLm2x", Platform.weibo),
        ("https://m.weibo.cn/detail/1", Platform.weibo),
        ("https://v.douyin.com/iAbCd/", Platform.douyin),
        ("https://tieba.baidu.com/p/9183620457", Platform.tieba),
        ("https://xzxx.xxgcxy.edu.cn/message/view?id=1", Platform.campus_site),
        # lookalikes are not the platform: a host is matched whole or as a subdomain
        ("https://notzhihu.com/question/1", Platform.other),
        ("https://zhihu.com.evil.example.cn/question/1", Platform.other),
        ("https://example.cn/weixin.qq.com/sph/1", Platform.other),
        ("https://tousu.sina.com.cn/complaint/view/1/", Platform.other),
        ("http://[x/1", Platform.other),  # passes the case's link pattern, no URL to python
    ],
)
def test_a_link_names_its_platform(url: str, platform: Platform) -> None:
    assert guess_platform(url) is platform
