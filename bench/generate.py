"""Generate a yqctl repository of N realistic cases, for benchmarking whole ``yqctl`` processes.

    python bench/generate.py 10000 bench/out/repo-10000 [--seed 1]

Runs ``yqctl init DIR --policy university --no-commit``, writes the case files directly (in the
format yqctl writes: contract key order, a comment before each key, 2-space indent, sequences at
offset 2, ISO 8601 times with +08:00, no anchors), validates a sample with yqctl's own reader and
``Case.model_validate``, commits everything with a fixed identity and date, and finally requires
``yqctl check`` to pass. The same N and seed give byte-identical files (and the same commit).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import string
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import corpus

TZ = timezone(timedelta(hours=8))
START = datetime(2024, 1, 1, tzinfo=TZ)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=TZ)  # run.py sets YQCTL_NOW to this
ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PLATFORMS = (
    "weibo", "wechat", "douyin", "tieba", "forum", "news", "campus_site", "official_account",
    "chat_group", "other",
)  # fmt: skip
PLATFORM_WEIGHTS = (20, 14, 15, 7, 8, 5, 8, 5, 14, 4)
CATEGORIES = ("inquiry", "malicious_spread", "fabrication", "constructive", "other")
LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级"}
# the academic year: busy in term time, quiet in February and in the summer
MONTH_WEIGHTS = {1: 0.6, 2: 0.35, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.0, 7: 0.45, 8: 0.4, 9: 1.0,
                 10: 0.9, 11: 1.0, 12: 0.9}  # fmt: skip
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 1, 2, 5, 9, 10, 10, 9, 8, 8, 9, 10, 10, 9, 8, 8, 9, 9, 7, 4)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "yqctl-bench",
    "GIT_AUTHOR_EMAIL": "bench@yqctl.invalid",
    "GIT_COMMITTER_NAME": "yqctl-bench",
    "GIT_COMMITTER_EMAIL": "bench@yqctl.invalid",
    "GIT_AUTHOR_DATE": "2026-11-24T12:00:00+08:00",
    "GIT_COMMITTER_DATE": "2026-11-24T12:00:00+08:00",
}


# --- one case ------------------------------------------------------------------------------


@dataclass
class Draft:
    """What is decided about a case before its text is rendered."""

    index: int
    case_id: str
    topic: corpus.Topic
    discovered: datetime
    level: int | None
    rules: list[tuple[int, str]]  # (level, rule id) per grading, oldest first
    signals: dict[str, Any]
    status: str
    unit: str
    category: str
    fills: dict[str, str]
    variant: int  # which title (and matching claim) of the topic
    evidence: dict[str, bytes] = field(default_factory=dict)  # repo-relative path → content
    record: dict[str, Any] = field(default_factory=dict)  # the case file's content, in key order


def pick_discovered(rng: random.Random) -> datetime:
    days = (NOW - START).days
    while True:
        day = START + timedelta(days=rng.randrange(days + 1))
        if rng.random() >= MONTH_WEIGHTS[day.month]:
            continue
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        moment = day.replace(hour=hour, minute=rng.randrange(60))
        if moment <= NOW - timedelta(minutes=40):
            return moment


def pick_level(rng: random.Random) -> int | None:
    return rng.choices((None, 3, 2, 1), (5, 72, 17, 6))[0]


@dataclass(frozen=True)
class Setting:
    """What the generated repository allows: its org.yaml units and its policy's rule ids."""

    units: list[str]
    rules: dict[int, list[str]]  # level → rule ids (level 3: the policy's default)


# how the signals of a case look when this rule graded it (see make_signals)
KNOWN_RULES = {
    1: ("u1-global-hotspot", "u1-global-hotspot", "u1-authority", "u1-confidentiality",
        "u1-serious-consequences"),
    2: ("u2-local-hotspot", "u2-local-hotspot", "u2-local-hotspot", "u2-account-compromised"),
}  # fmt: skip


def pick_rule(rng: random.Random, level: int, topic: corpus.Topic, setting: Setting) -> str:
    ids = setting.rules[level]
    if level == 3:
        return ids[0]
    if level == 2 and topic.key == "defacement" and "u2-account-compromised" in ids:
        return "u2-account-compromised"
    known = [rule for rule in KNOWN_RULES[level] if rule in ids]
    return rng.choice(known or ids)


def pick_rules(
    rng: random.Random, level: int | None, topic: corpus.Topic, setting: Setting
) -> list[tuple[int, str]]:
    """The rule ids that graded the case; some level 1/2 cases were first graded lower."""
    if level is None:
        return []
    rules = [(level, pick_rule(rng, level, topic, setting))]
    if level < 3 and rng.random() < 0.15:
        first = level + 1
        rules.insert(0, (first, setting.rules[first][0]))
    return rules


def lognormal(rng: random.Random, median: float, sigma: float) -> int:
    return max(0, int(rng.lognormvariate(0, sigma) * median))


def make_signals(rng: random.Random, level: int | None, rule: str) -> dict[str, Any]:
    views_median = {None: 1500, 3: 3000, 2: 80_000, 1: 1_500_000}[level]
    views = lognormal(rng, views_median, 1.1)
    spread = {"u2-local-hotspot": "local_hotspot", "u1-global-hotspot": "global_hotspot"}.get(rule)
    harmful = rule in ("u2-local-hotspot", "u1-global-hotspot", "u1-serious-consequences")
    harmful = harmful or rng.random() < 0.2
    if spread is None:  # a harmful local hotspot would be level 2: only harmless ones below that
        hotspot = level == 1 or (not harmful and rng.random() < 0.1)
        spread = "local_hotspot" if hotspot else "isolated"
    superior = rule == "u1-confidentiality" or (level in (1, 2) and rng.random() < 0.3)
    return {
        "spread": spread,
        "harmful": harmful,
        "posts": 1 + lognormal(rng, max(1, views // 2000), 0.8),
        "reposts": lognormal(rng, views / 150, 0.9),
        "comments": lognormal(rng, views / 80, 0.9),
        "views": views,
        "authority_request": rule == "u1-authority",
        "staff_confidentiality_breach": rule == "u1-confidentiality",
        "superior_attention": superior,
        "serious_consequences": rule == "u1-serious-consequences"
        or (level == 1 and rng.random() < 0.2),
        "stability_impact": level == 1 and rng.random() < 0.15,
        "official_account_compromised": rule == "u2-account-compromised",
        "foreign_media": level == 1 and rng.random() < 0.05,
        "major": None if rng.random() > 0.01 else level == 1,
    }


def pick_status(rng: random.Random, level: int | None, discovered: datetime) -> str:
    age = NOW - discovered
    if level is None:  # ungraded: most old ones were found not to concern the school and closed
        stale = age > timedelta(days=45) and rng.random() < 0.9
        return "closed" if stale else "open"
    if age > timedelta(days=45):
        return rng.choices(("closed", "tracking", "responded"), (96, 3, 1))[0]
    if age < timedelta(days=1):
        return rng.choices(("graded", "handling", "responded"), (3, 5, 2))[0]
    return rng.choices(
        ("closed", "tracking", "responded", "handling", "graded"), (40, 20, 15, 15, 10)
    )[0]


def pick_unit(rng: random.Random, topic: corpus.Topic, units: list[str], college: str) -> str:
    unit = rng.choice(topic.units).replace("{college}", college)
    return unit if unit in units else rng.choice(units)


def pick_category(rng: random.Random, index: int, topic: corpus.Topic) -> str:
    if index < len(CATEGORIES):
        return CATEGORIES[index]  # every category appears even in a tiny repository
    names = [name for name, _ in topic.categories]
    return rng.choices(names, [weight for _, weight in topic.categories])[0]


def new_id(rng: random.Random, discovered: datetime, taken: set[str]) -> str:
    while True:
        bits = rng.getrandbits(20)
        chars = "".join(ID_ALPHABET[(bits >> shift) & 31] for shift in (15, 10, 5, 0))
        case_id = f"YQ-{discovered:%Y%m%d}-{chars}"
        if case_id not in taken:
            taken.add(case_id)
            return case_id


def make_draft(rng: random.Random, index: int, setting: Setting, taken: set[str]) -> Draft:
    topic = rng.choices(corpus.TOPICS, [t.weight for t in corpus.TOPICS])[0]
    discovered = pick_discovered(rng)
    level = pick_level(rng)
    rules = pick_rules(rng, level, topic, setting)
    college = rng.choice(corpus.COLLEGES)
    unit = pick_unit(rng, topic, setting.units, college)
    fills = {
        "college": unit if unit in corpus.COLLEGES else college,
        "canteen": rng.choice(corpus.CANTEENS),
        "dorm": rng.choice(corpus.DORMS),
        "course": rng.choice(corpus.COURSES),
        "unit": unit,
        "year": str(rng.randint(2021, discovered.year)),
        "n": str(rng.randint(1, 12)),
    }
    return Draft(
        index=index,
        case_id=new_id(rng, discovered, taken),
        topic=topic,
        discovered=discovered,
        level=level,
        rules=rules,
        signals=make_signals(rng, level, rules[-1][1] if rules else ""),
        status=pick_status(rng, level, discovered),
        unit=unit,
        category=pick_category(rng, index, topic),
        fills=fills,
        variant=rng.randrange(len(topic.titles)),
    )


# --- sources -------------------------------------------------------------------------------


def token(
    rng: random.Random, length: int, alphabet: str = string.ascii_letters + string.digits
) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def digits(rng: random.Random, length: int) -> str:
    return str(rng.randint(1, 9)) + token(rng, length - 1, string.digits)


def source_url(rng: random.Random, platform: str, day: datetime) -> str | None:
    urls: dict[str, Callable[[], str | None]] = {
        "weibo": lambda: f"https://weibo.com/{digits(rng, 10)}/{token(rng, 9)}",
        "wechat": lambda: f"https://mp.weixin.qq.com/s/{token(rng, 22)}",
        "douyin": lambda: f"https://www.douyin.com/video/7{digits(rng, 18)}",
        "tieba": lambda: f"https://tieba.baidu.com/p/{digits(rng, 10)}",
        "forum": lambda: rng.choice(
            (
                f"https://bbs.xxgcxy.edu.cn/thread-{digits(rng, 6)}-1-1.html",
                f"https://www.zhihu.com/question/{digits(rng, 9)}",
            )
        ),
        "news": lambda: rng.choice(
            (
                f"https://www.thepaper.cn/newsDetail_forward_{digits(rng, 8)}",
                f"https://edu.163.com/{day:%y/%m%d}/{token(rng, 16, string.ascii_uppercase)}.html",
            )
        ),
        "campus_site": lambda: (
            f"https://xzxx.xxgcxy.edu.cn/message/view?id={day:%Y%m%d}{digits(rng, 3)}"
        ),
        "official_account": lambda: rng.choice(
            (
                f"https://mp.weixin.qq.com/s/{token(rng, 22)}",
                f"https://weibo.com/u/{digits(rng, 10)}",
            )
        ),
        "chat_group": lambda: None,
        "other": lambda: rng.choice(
            (
                f"https://www.xiaohongshu.com/explore/{token(rng, 24, '0123456789abcdef')}",
                f"https://www.bilibili.com/video/BV1{token(rng, 9)}",
            )
        ),
    }
    return urls[platform]()


def account_name(rng: random.Random, platform: str, fills: dict[str, str]) -> str:
    if platform == "chat_group":
        return rng.choice(corpus.GROUP_NAMES).format(**fills)
    if platform == "official_account":
        return rng.choice(
            ("XX工程学院官方微博", "XX工程学院", f"{fills['college']}团委", "XX工程学院学生会")
        )
    if platform == "news":
        return rng.choice(("澎湃新闻", "XX晚报", "中国青年网", "XX电视台新闻频道"))
    name = rng.choice(corpus.ACCOUNT_HEADS) + rng.choice(corpus.ACCOUNT_TAILS)
    return name + (str(rng.randint(1, 9999)) if rng.random() < 0.4 else "")


def pick_platform(rng: random.Random, draft: Draft, position: int) -> str:
    if position == 0 and draft.index < len(PLATFORMS):
        return PLATFORMS[draft.index]  # every platform appears even in a tiny repository
    if draft.topic.key == "defacement" and position == 0:
        return rng.choice(("official_account", "weibo", "campus_site"))
    return rng.choices(PLATFORMS, PLATFORM_WEIGHTS)[0]


def make_sources(rng: random.Random, draft: Draft) -> list[dict[str, Any]]:
    count = rng.choices((1, 2, 3, 4), (60, 25, 10, 5) if draft.level != 1 else (20, 35, 30, 15))[0]
    sources = []
    for position in range(count):
        platform = pick_platform(rng, draft, position)
        if position == 0:
            published = draft.discovered - timedelta(minutes=rng.randint(3, 2 * 24 * 60))
        else:
            published = draft.discovered + timedelta(minutes=rng.randint(-600, 600))
        published = min(published, NOW - timedelta(minutes=30))
        source: dict[str, Any] = {"platform": platform}
        url = source_url(rng, platform, published)
        if url:
            source["url"] = url
        source["account"] = account_name(rng, platform, draft.fills)
        source["published_at"] = published
        if url is None or rng.random() < 0.1:
            add_evidence(rng, draft, source, position)
        sources.append(source)
    return sources


def add_evidence(rng: random.Random, draft: Draft, source: dict[str, Any], position: int) -> None:
    """A small saved page (or chat export) under evidence/<id>/, with its sha256 in the case."""
    platform = source["platform"]
    suffix = "txt" if platform == "chat_group" else "html"
    path = f"evidence/{draft.case_id}/{platform}-{position + 1}.{suffix}"
    claim = draft.topic.claims[draft.variant].format(**draft.fills)
    body = "\n".join(
        f"<p>{claim}（{rng.choice(corpus.ACCOUNT_TAILS)}）</p>" for _ in range(rng.randint(5, 60))
    )
    content = (
        f'<!-- saved {source["published_at"].isoformat()} -->\n<html><head><meta charset="utf-8">'
        f"<title>{source['account']}</title></head><body>\n{body}\n</body></html>\n"
    ).encode()
    draft.evidence[path] = content
    source["evidence"] = path
    source["sha256"] = hashlib.sha256(content).hexdigest()


# --- timeline, grading, closure -------------------------------------------------------------

Step = tuple[str, float]  # (action, minutes after discovery)


def between(rng: random.Random, low: float, high: float) -> float:
    return rng.uniform(low, high)


def core_steps(rng: random.Random, draft: Draft) -> list[Step]:
    """The actions the policy expects for the case's level, at realistic delays."""
    answer = "reply" if draft.category in ("inquiry", "constructive") else "statement"
    if draft.level is None:
        return [
            ("reported_to_office", between(rng, 5, 40)),
            ("evidence_saved", between(rng, 10, 90)),
        ]
    steps = grading_steps(rng, draft)
    graded = steps[-1][1]  # when the case reached its level: escalation starts there
    if draft.level == 3:
        steps += [
            ("registration_form", graded + between(rng, 240, 1800)),
            (answer, graded + between(rng, 120, 2880)),
        ]
        if rng.random() < 0.5:
            steps.append(("evidence_saved", between(rng, 10, 120)))
        if draft.category == "inquiry" and rng.random() < 0.5:
            steps.append(("result_reply", graded + between(rng, 2880, 14400)))
        return steps
    steps += [
        ("reported_to_office", between(rng, 3, steps[0][1])),
        ("evidence_saved", between(rng, 10, 90)),
        ("instruction", graded + between(rng, 20, 180)),
        ("unit_report", graded + between(rng, 30, 180)),
        ("statement", graded + between(rng, 120, 1440)),
    ]
    if draft.level == 2:
        steps.append(("opinion_form", graded + between(rng, 120, 2880)))
        if rng.random() < 0.5:
            steps.append(("reported_to_superiors", graded + between(rng, 60, 600)))
        return steps
    steps += [
        ("reported_to_leaders", graded + between(rng, 3, 30)),
        ("meeting", graded + between(rng, 10, 90)),
        ("reported_to_superiors", graded + between(rng, 60, 360)),
    ]
    if rng.random() < 0.7:
        steps.append(("press_conference", graded + between(rng, 600, 1800)))
    if draft.signals["authority_request"] or draft.topic.key in ("rumor", "safety", "defacement"):
        steps.append(("reported_to_police", graded + between(rng, 30, 240)))
    if rng.random() < 0.3:
        steps.append(("law_enforcement_referral", graded + between(rng, 2880, 14400)))
    return steps


def grading_steps(rng: random.Random, draft: Draft) -> list[Step]:
    first = between(rng, 10, 60)
    return [("graded", first + i * between(rng, 60, 600)) for i in range(len(draft.rules))]


FILLERS: dict[int | None, tuple[tuple[str, float, float], ...]] = {
    None: (("note", 20, 300), ("follow_up", 30, 600)),
    3: (("tracking", 1440, 14400), ("note", 60, 7200), ("follow_up", 600, 4320)),
    2: (
        ("follow_up", 180, 7200),
        ("tracking", 1440, 20160),
        ("note", 60, 14400),
        ("instruction", 60, 1440),
    ),
    1: (
        ("follow_up", 120, 7200),
        ("tracking", 1440, 28800),
        ("note", 60, 14400),
        ("instruction", 60, 2880),
    ),
}
TARGETS: dict[int | None, tuple[int, int]] = {None: (3, 4), 3: (3, 9), 2: (8, 18), 1: (14, 30)}
NOT_YET = {
    "open": {"graded"},
    "graded": {"unit_report", "registration_form", "opinion_form", "statement", "press_conference",
               "reply", "result_reply", "tracking", "follow_up", "law_enforcement_referral"},
    "handling": {"statement", "press_conference", "reply", "result_reply", "tracking"},
    "responded": {"tracking", "result_reply"},
    "tracking": set(),
    "closed": set(),
}  # fmt: skip


def plan_steps(rng: random.Random, draft: Draft) -> list[Step]:
    low, high = TARGETS[draft.level]
    target = min(30, rng.randint(low, rng.randint(low, high)))  # skewed towards short timelines
    steps = [s for s in core_steps(rng, draft) if s[0] not in NOT_YET[draft.status]]
    if draft.status in ("open", "graded"):
        target = min(target, len(steps) + 3)  # only hours old: little has happened yet
    fillers = [f for f in FILLERS[draft.level] if f[0] not in NOT_YET[draft.status]] or [
        ("note", 20, 300)
    ]
    while len(steps) + 1 < min(target, 29):
        action, low_m, high_m = rng.choice(fillers)
        steps.append((action, between(rng, low_m, high_m)))
    if draft.status == "closed" and draft.level is None:
        steps.append(("note", max(m for _, m in steps) + between(rng, 60, 1440)))
    elif draft.status == "closed" and rng.random() < 0.9:
        steps.append(("summary", max(m for _, m in steps) + between(rng, 1440, 7200)))
    steps = sorted(steps[:29], key=lambda s: s[1])  # at most 30 entries with `discovered`
    return [("discovered", 0.0), *steps]


def by_for(rng: random.Random, action: str, draft: Draft, discoverer: str) -> str:
    unit = draft.unit
    choices = {
        "discovered": (discoverer,),
        "reported_to_office": (discoverer, f"{unit}舆情信息员"),
        "reported_to_leaders": ("舆情工作领导小组办公室主任",),
        "reported_to_superiors": ("党委宣传部",),
        "reported_to_police": ("保卫处",),
        "graded": ("舆情办值班员",),
        "unit_report": (unit,),
        "registration_form": (f"{unit}舆情信息员", unit),
        "opinion_form": ("舆情工作领导小组办公室",),
        "meeting": ("领导小组组长",),
        "instruction": ("领导小组组长",),
        "statement": ("党委宣传部", f"{unit}网评员"),
        "press_conference": ("党委宣传部",),
        "reply": (f"{unit}舆情信息员", unit),
        "result_reply": (f"{unit}舆情信息员",),
        "evidence_saved": ("信息中心值班员", "党委宣传部网评员"),
        "law_enforcement_referral": ("保卫处", "党委办公室"),
    }
    return rng.choice(choices.get(action, ("舆情办值班员", "舆情工作领导小组办公室")))


def make_timeline(
    rng: random.Random, draft: Draft, discoverer: str
) -> tuple[list[dict[str, Any]], float]:
    """Timeline entries in time order, squeezed into the time between discovery and NOW."""
    steps = plan_steps(rng, draft)
    closure_after = between(rng, 10, 1440) if draft.status == "closed" else 0.0
    available = (NOW - draft.discovered).total_seconds() / 60 * 0.95
    scale = min(1.0, available / (steps[-1][1] + closure_after + 1))
    fills = {**draft.fills, "platform": corpus.PLATFORM_LABELS[rng.choice(PLATFORMS)]}
    entries: list[dict[str, Any]] = []
    gradings = iter(draft.rules)
    for action, minutes in steps:
        at = draft.discovered + timedelta(minutes=round(minutes * scale))
        delay = timedelta(seconds=rng.randint(20, 2400 if rng.random() < 0.9 else 12 * 3600))
        entries.append(
            {
                "at": at,
                "recorded_at": min(at + delay, NOW),
                "action": action,
                "by": by_for(rng, action, draft, discoverer),
                "text": graded_text(next(gradings), entries)
                if action == "graded"
                else rng.choice(corpus.ACTION_TEXTS[action]).format(**fills),
            }
        )
    return entries, closure_after * scale


RULE_REASONS = {
    "u3-general": "个别或少量，尚未形成热点",
    "u3-default": "个别或少量，尚未形成热点",
    "u1-serious-consequences": "有害信息产生严重后果",
    "u2-local-hotspot": "局部热点且有害信息",
    "u2-account-compromised": "官方账号被恶意篡改",
    "u1-global-hotspot": "全局性热点且有害信息",
    "u1-authority": "公安机关要求中断和查找",
    "u1-confidentiality": "工作人员违规发布信息并引起上级重视",
}


def graded_text(rule: tuple[int, str], earlier: list[dict[str, Any]]) -> str:
    level, rule_id = rule
    again = any(entry["action"] == "graded" for entry in earlier)
    done = f"定为{LEVEL_NAMES[level]}舆情" + ("（重大舆情）" if level == 1 else "")
    return (
        f"热度上升，{RULE_REASONS[rule_id]}，重新{done}"
        if again
        else f"{RULE_REASONS[rule_id]}，{done}"
    )


# the conditions of the known rules (policies/university.yaml), to record every rule that matched
RULE_TESTS: dict[str, Any] = {
    "u1-authority": lambda s: s["authority_request"],
    "u1-confidentiality": lambda s: s["staff_confidentiality_breach"] and s["superior_attention"],
    "u1-serious-consequences": lambda s: s["harmful"] and s["serious_consequences"],
    "u1-global-hotspot": lambda s: (
        s["spread"] == "global_hotspot" and (s["harmful"] or s["stability_impact"])
    ),
    "u2-local-hotspot": lambda s: s["spread"] == "local_hotspot" and s["harmful"],
    "u2-account-compromised": lambda s: s["official_account_compromised"],
}


def matched_rules(draft: Draft, rule: str, setting: Setting, final: bool) -> list[str]:
    """Like ``yqctl grade``: every rule that matches, most severe first; else the one chosen."""
    if not final:
        return [rule]
    ids = [r for level in (1, 2) for r in setting.rules[level]]
    return [r for r in ids if r in RULE_TESTS and RULE_TESTS[r](draft.signals)] or [rule]


def make_grading(
    rng: random.Random, draft: Draft, timeline: list[dict[str, Any]], setting: Setting
) -> list[dict[str, Any]]:
    graded = [entry for entry in timeline if entry["action"] == "graded"]
    grading = []
    for position, ((level, rule), entry) in enumerate(zip(draft.rules, graded, strict=False)):
        override = rng.random() < 0.02
        major = level == 1 if draft.signals["major"] is None else draft.signals["major"]
        grading.append(
            {
                "at": entry["at"],
                "by": entry["by"],
                "level": level,
                "level_name": LEVEL_NAMES[level],
                "major": major,
                "policy": "university",
                "matched": matched_rules(draft, rule, setting, position == len(draft.rules) - 1),
                "override_reason": f"领导小组研判，维持{LEVEL_NAMES[level]}" if override else None,
            }
        )
    return grading


def make_closure(
    rng: random.Random, draft: Draft, last: datetime, after: float
) -> dict[str, Any] | None:
    if draft.status != "closed":
        return None
    ungraded = draft.level is None
    return {
        "closed_at": min(last + timedelta(minutes=round(after)), NOW),
        "result": rng.choice(corpus.UNGRADED_RESULTS if ungraded else draft.topic.results),
        "evaluation": rng.choice(corpus.UNGRADED_EVALUATIONS if ungraded else corpus.EVALUATIONS),
        "lessons": rng.choice(corpus.LESSONS) if rng.random() < 0.7 else None,
    }


def make_summary(rng: random.Random, draft: Draft, sources: list[dict[str, Any]]) -> str:
    first = sources[0]
    where = corpus.PLATFORM_LABELS[first["platform"]]
    claim = draft.topic.claims[draft.variant].format(**draft.fills)
    reaction = rng.choice(
        ("引发部分师生关注", "评论区有学生附和", "帖文附有图片", "帖文附有视频", "多名网友留言质疑")
    )
    s = draft.signals
    sentences = [
        f"{where}用户“{first['account']}”发帖称{claim}，{reaction}。",
        f"截至发现时相关帖文{s['posts']}条、转发{s['reposts']}次、评论{s['comments']}次，"
        f"{rng.choice(corpus.SPREAD_PHRASES[s['spread']])}。",
        rng.choice(draft.topic.actions).format(**draft.fills) + "。",
        rng.choice(corpus.STATUS_PHRASES[draft.status]),
    ]
    if draft.status == "open":
        sentences.pop(2)
    keep = sorted(rng.sample(range(1, len(sentences)), rng.randint(1, len(sentences) - 1)))
    chosen = [sentences[0], *(sentences[i] for i in keep)]
    lines, line = [], ""
    for sentence in chosen:
        line += sentence
        if rng.random() < 0.6:
            lines.append(line)
            line = ""
    return "\n".join([*lines, line] if line else lines) + "\n"


def make_case(rng: random.Random, index: int, setting: Setting, taken: set[str]) -> Draft:
    draft = make_draft(rng, index, setting, taken)
    drill = rng.random() < 0.01
    sensitive = draft.topic.key in ("teacher_conduct", "safety", "leak", "rumor")
    confidential = rng.random() < (0.07 if sensitive or draft.level == 1 else 0.015)
    discoverer = (
        "舆情办（演练）" if drill else rng.choice((*corpus.DUTY_POSTS, f"{draft.unit}舆情信息员"))
    )
    sources = make_sources(rng, draft)
    timeline, closure_after = make_timeline(rng, draft, discoverer)
    title = draft.topic.titles[draft.variant].format(**draft.fills)
    draft.record = {
        "version": 1,
        "id": draft.case_id,
        "title": ("【演练】" if drill else "") + title,
        "discovered_at": draft.discovered,
        "discovered_by": discoverer,
        "unit": draft.unit,
        "category": draft.category,
        "summary": make_summary(rng, draft, sources),
        "sources": sources,
        "signals": draft.signals,
        "level": draft.level,
        "grading": make_grading(rng, draft, timeline, setting),
        "status": draft.status,
        "timeline": timeline,
        "confidential": confidential,
        "drill": drill,
        "closure": make_closure(rng, draft, timeline[-1]["at"], closure_after),
    }
    return draft


# --- rendering -----------------------------------------------------------------------------

_RESERVED = {"", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"}
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_NUMBER = re.compile(
    r"^([-+]?[0-9.]+([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(inf|nan))$", re.I
)


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return text_scalar(str(value))


def text_scalar(value: str) -> str:
    """Plain when YAML reads it back as the same text, else double-quoted (JSON is valid YAML)."""
    plain = (
        value not in _RESERVED
        and value[0] not in _INDICATORS
        and value == value.strip()
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and "\n" not in value
        and not _NUMBER.match(value)
    )
    if plain:
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def emit(lines: list[str], key: str, value: Any, indent: int, comments: dict[str, str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        lines.append(f"{pad}{key}:")
        for sub_key, sub_value in value.items():
            emit(lines, sub_key, sub_value, indent + 2, comments if key == "signals" else {})
    elif isinstance(value, list) and value:
        lines.append(f"{pad}{key}:")
        for item in value:
            emit_item(lines, item, indent + 2)
    elif isinstance(value, list):
        lines.append(f"{pad}{key}: []")
    elif isinstance(value, str) and "\n" in value:
        lines.append(f"{pad}{key}: |")
        lines.extend(f"{pad}  {line}" for line in value.rstrip("\n").split("\n"))
    else:
        line = f"{pad}{key}: {scalar(value)}"
        if key in comments:
            line = (line.ljust(34) if len(line) < 34 else line + " ") + f"# {comments[key]}"
        lines.append(line)


def emit_item(lines: list[str], item: Any, indent: int) -> None:
    """A sequence item at ``indent``: ``- first: …`` then the other keys two columns further in."""
    if not isinstance(item, dict):
        lines.append(f"{' ' * indent}- {scalar(item)}")
        return
    start = len(lines)
    for key, value in item.items():
        emit(lines, key, value, indent + 2, {})
    lines[start] = f"{' ' * indent}- {lines[start][indent + 2 :]}"


def render(
    record: dict[str, Any], field_comments: dict[str, str], signal_comments: dict[str, str]
) -> str:
    lines: list[str] = []
    for key, value in record.items():
        lines.append(f"# {field_comments[key]}")
        emit(lines, key, value, 0, signal_comments)
    return "\n".join(lines) + "\n"


# --- the repository ------------------------------------------------------------------------


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"失败（{result.returncode}）：{' '.join(cmd)}\n{result.stdout}{result.stderr}")


def yqctl_command() -> list[str]:
    script = Path(sys.executable).with_name("yqctl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "yqctl"]


def wait_for_policy(timeout: float) -> None:
    """``yqctl init`` needs the built-in university policy; another engineer may still be writing it."""
    from yqctl.resources import data_dir

    deadline = time.monotonic() + timeout
    while not (data_dir("policies") / "university.yaml").is_file():
        if time.monotonic() > deadline:
            sys.exit("内置政策 policies/university.yaml 仍不存在，无法 yqctl init")
        print("等待 policies/university.yaml …", file=sys.stderr)
        time.sleep(15)


def init_repo(directory: Path, wait: float) -> Setting:
    if directory.exists() and any(directory.iterdir()):
        sys.exit(f"{directory} 已存在且不为空")
    wait_for_policy(wait)
    run([*yqctl_command(), "init", str(directory), "--policy", "university", "--no-commit"])
    return read_setting(directory)


def read_setting(directory: Path) -> Setting:
    """Units from the new org.yaml; rule ids by level from the policy that init copied."""
    import yaml

    from yqctl.store.repo import Repo

    policy = yaml.safe_load((directory / "policies" / "university.yaml").read_text("utf-8"))
    rules: dict[int, list[str]] = {1: [], 2: [], 3: []}
    for rule in policy.get("rules", []):
        rules.setdefault(rule["level"], []).append(rule["id"])
    default = policy.get("default", {})
    rules[int(default.get("level", 3))].insert(0, default.get("id", "u3-general"))
    if not all(rules[level] for level in (1, 2, 3)):
        sys.exit(f"policies/university.yaml 中缺少某一级别的定级规则：{rules}")
    return Setting(units=list(Repo(directory).org.units), rules=rules)


def write_cases(directory: Path, count: int, seed: int, setting: Setting) -> list[Draft]:
    from yqctl.store.casefile import FIELD_COMMENTS, SIGNAL_COMMENTS

    rng = random.Random(seed)
    taken: set[str] = set()
    drafts = [make_case(rng, index, setting, taken) for index in range(count)]
    for draft in drafts:
        path = directory / "cases" / draft.case_id[3:7] / f"{draft.case_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render(draft.record, FIELD_COMMENTS, SIGNAL_COMMENTS)
        path.write_bytes(text.encode())
        for relative, content in draft.evidence.items():
            (directory / relative).parent.mkdir(parents=True, exist_ok=True)
            (directory / relative).write_bytes(content)
    return drafts


def validate_sample(directory: Path, drafts: list[Draft], size: int = 200) -> None:
    """Read a sample back exactly as yqctl does (marked loader → ``Case.model_validate``)."""
    from yqctl.errors import YqError
    from yqctl.store.repo import Repo, unit_problem

    repo = Repo(directory)
    step = max(1, len(drafts) // size)
    for draft in drafts[::step]:
        path = directory / "cases" / draft.case_id[3:7] / f"{draft.case_id}.yaml"
        try:
            loaded = repo.read_case_file(path)
            problem = unit_problem(loaded.case, loaded.doc, repo.org)
            if problem is not None:
                raise YqError(str(problem), [problem])
        except YqError as exc:
            sys.exit(f"生成的案件无效：{path}\n{exc}\n" + "\n".join(map(str, exc.problems)))


def check_grading(directory: Path, drafts: list[Draft], per_level: int = 4) -> None:
    """Ask ``yqctl grade --dry-run`` about a few cases: does the policy give the level we wrote?"""
    sample = [
        draft
        for level in (1, 2, 3)
        for draft in [d for d in drafts if d.level == level and d.record["grading"]][:per_level]
        if draft.record["grading"][-1]["override_reason"] is None
    ]
    env = {**os.environ, "YQCTL_NOW": NOW.isoformat()}
    differ = []
    for draft in sample:
        result = subprocess.run(
            [
                *yqctl_command(),
                "grade",
                draft.case_id,
                "--dry-run",
                "--json",
                "--repo",
                str(directory),
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        if result.returncode != 0:
            print(
                f"提醒：yqctl grade 无法运行（{result.returncode}），跳过定级一致性检查",
                file=sys.stderr,
            )
            return
        if json.loads(result.stdout).get("level") != draft.level:
            differ.append(draft.case_id)
    print(f"定级一致性（yqctl grade --dry-run）：{len(sample) - len(differ)}/{len(sample)} 一致")
    if differ:
        print(f"提醒：策略给出的级别与文件不同：{' '.join(differ)}", file=sys.stderr)


def commit(directory: Path, count: int, seed: int) -> None:
    env = {**os.environ, **GIT_ENV}
    if not (directory / ".git").exists():  # not rev-parse: DIR may sit inside another repository
        run(["git", "init", "-q", "-b", "main", str(directory)])
    git = ["git", "-C", str(directory), "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"]
    run([*git, "add", "-A", "."], env=env)
    run([*git, "commit", "-q", "-m", f"bench: {count} 个生成的案件（seed {seed}）"], env=env)


def yqctl_check(directory: Path) -> None:
    started = time.perf_counter()
    result = subprocess.run(
        [*yqctl_command(), "check", "--repo", str(directory)], capture_output=True, text=True
    )
    lines = result.stdout.strip().splitlines()
    print(f"yqctl check：{lines[-1] if lines else ''}（{time.perf_counter() - started:.1f} s）")
    if result.returncode != 0:
        sys.exit(
            f"yqctl check 失败（{result.returncode}）：\n{result.stdout[-4000:]}{result.stderr}"
        )


def describe(drafts: list[Draft]) -> str:
    def count(values: list[Any]) -> str:
        return " ".join(f"{k}={v}" for k, v in sorted(Counter(values).items(), key=str))

    records = [d.record for d in drafts]
    entries = sum(len(r["timeline"]) for r in records)
    return "\n".join(
        (
            f"level: {count([r['level'] for r in records])}",
            f"status: {count([r['status'] for r in records])}",
            f"category: {count([r['category'] for r in records])}",
            f"platform: {count([s['platform'] for r in records for s in r['sources']])}",
            f"drill={sum(r['drill'] for r in records)} confidential={sum(r['confidential'] for r in records)}"
            f" timeline entries={entries} evidence files={sum(len(d.evidence) for d in drafts)}",
        )
    )


def generate(
    count: int, directory: Path, seed: int, *, check: bool = True, wait: float = 1200
) -> None:
    started = time.perf_counter()
    setting = init_repo(directory, wait)
    drafts = write_cases(directory, count, seed, setting)
    validate_sample(directory, drafts)
    print(f"写入 {count} 个案件到 {directory}（{time.perf_counter() - started:.1f} s）")
    print(describe(drafts))
    commit(directory, count, seed)
    if check:
        check_grading(directory, drafts)
        yqctl_check(directory)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="生成含 N 个逼真案件的 yqctl 仓库（用于基准测试）")
    parser.add_argument("count", type=int, help="案件数 N")
    parser.add_argument("directory", type=Path, help="仓库目录（须不存在或为空）")
    parser.add_argument(
        "--seed", type=int, default=1, help="随机种子（默认 1）；同一种子生成相同文件"
    )
    parser.add_argument("--no-check", action="store_true", help="最后不运行 yqctl check")
    parser.add_argument("--wait", type=float, default=1200, help="等待内置政策文件的秒数")
    args = parser.parse_args(argv)
    generate(args.count, args.directory, args.seed, check=not args.no_check, wait=args.wait)


if __name__ == "__main__":
    main()
