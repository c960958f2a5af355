"""The shipped data files: org/yq scaffolds and demo cases validate and are mutually consistent.

The demo cases must validate against the contract models, use units of their policy's org scaffold,
carry gradings consistent with DESIGN.md's rules, keep evidence hashes right, and together cover
every category and platform. The grading rules are restated here on purpose, independently of the
policy engine, so that the demo data cannot drift along with a bug in the engine; the rule ids and
level names they record must still be those of the shipped policy files (policies/<policy>.yaml).
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter

from yqctl.core.case import Case
from yqctl.core.config import Org, RepoConfig
from yqctl.core.enums import Action, Category, Platform, Status

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
CASES = ROOT / "cases"
POLICY_NAMES = ("university", "middle-school")
CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 24, 16, 0, tzinfo=CST)  # the README demo runs with this --now
PLACEHOLDER = "待填写"

KEY_ORDER = [
    "version",
    "id",
    "title",
    "discovered_at",
    "discovered_by",
    "unit",
    "category",
    "summary",
    "sources",
    "signals",
    "level",
    "grading",
    "status",
    "timeline",
    "confidential",
    "drill",
    "closure",
]

UNIVERSITY_UNITS = {
    "党委办公室",
    "党委宣传部",
    "信息中心",
    "学生处",
    "校团委",
    "保卫处",
    "后勤处",
    "教务处",
    "招生就业处",
    "机电工程学院",
    "信息工程学院",
    "建筑工程学院",
    "经济管理学院",
}
MIDDLE_SCHOOL_UNITS = {
    "办公室",
    "宣传科",
    "教务处",
    "政教处",
    "总务处",
    "高一级部",
    "高二级部",
    "高三级部",
}
ORG_KEYS = {
    "university": {
        "units": UNIVERSITY_UNITS,
        "roles": {
            "office",
            "office_director",
            "office_deputy_security",
            "office_deputy_it",
            "group_leader",
            "group_deputy",
            "party_secretary",
            "president",
            "party_office",
        },
        "external": {"cac", "police", "state_security", "superior_network", "education_dept"},
    },
    "middle-school": {
        "units": MIDDLE_SCHOOL_UNITS,
        "roles": {"office", "office_deputy", "propaganda", "group_leader", "group_deputy"},
        "external": {"district_edu", "police", "discipline_law"},
    },
}
INSTITUTION = {"university": "XX工程学院", "middle-school": "xx中学"}
OFFICE = {"university": "舆情工作领导小组办公室", "middle-school": "办公室"}


class StringTimestampLoader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings, as the contract's ISO 8601 text."""


StringTimestampLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


class NullRepresenter(RoundTripRepresenter):
    """Writes None as ``null`` (the contract's spelling) rather than as an empty value."""


NullRepresenter.add_representer(
    type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
)


def load(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=StringTimestampLoader)


def case_files(policy: str) -> list[Path]:
    return sorted((CASES / policy / "2026").glob("*.yaml"))


def all_case_files() -> list[Path]:
    return [p for policy in POLICY_NAMES for p in case_files(policy)]


def org(policy: str) -> Org:
    return Org.model_validate(load(POLICIES / f"{policy}.org.yaml"))


def case_id(path: Path) -> str:
    return path.stem


# --- grading rules of DESIGN.md, restated -------------------------------------------------------


def expected_grading(policy: str, case: Case) -> tuple[int, str, bool, list[str]]:
    """(level, level_name, major, matched rule ids) that the policy derives for the case."""
    s = case.signals
    if policy == "university":
        rules = [
            ("u1-authority", 1, s.authority_request),
            ("u1-confidentiality", 1, s.staff_confidentiality_breach and s.superior_attention),
            ("u1-serious-consequences", 1, s.harmful and s.serious_consequences),
            (
                "u1-global-hotspot",
                1,
                s.spread == "global_hotspot" and (s.harmful or s.stability_impact),
            ),
            ("u2-local-hotspot", 2, s.spread == "local_hotspot" and s.harmful),
            ("u2-account-compromised", 2, s.official_account_compromised),
        ]
        matched = [(rid, lvl) for rid, lvl, hit in rules if hit]
        level = min((lvl for _, lvl in matched), default=3)
        ids = [rid for rid, lvl in matched if lvl == level] or ["u3-general"]
        name = {1: "一级", 2: "二级", 3: "三级"}[level]
        major = level == 1 if s.major is None else s.major
        return level, name, major, ids
    if s.major:
        return 1, "重大网络舆情", True, ["m1-major"]
    return 2, "一般", False, ["m2-general"]


def shipped_policy(policy: str) -> dict[str, Any]:
    """The built-in policy file, read as plain data (no dependency on the policy engine)."""
    data: dict[str, Any] = load(POLICIES / f"{policy}.yaml")
    return data


def test_restated_rules_use_the_shipped_ids_and_level_names() -> None:
    u = shipped_policy("university")
    assert {r["id"] for r in u["rules"]} | {u["default"]["id"]} == {
        "u1-authority",
        "u1-confidentiality",
        "u1-serious-consequences",
        "u1-global-hotspot",
        "u2-local-hotspot",
        "u2-account-compromised",
        "u3-general",
    }
    assert {lv["id"]: lv["name"] for lv in u["levels"]} == {1: "一级", 2: "二级", 3: "三级"}
    m = shipped_policy("middle-school")
    enabled = {r["id"] for r in m["rules"] if r.get("enabled", True)}
    assert enabled | {m["default"]["id"]} == {"m1-major", "m2-general"}
    assert {lv["id"]: lv["name"] for lv in m["levels"]} == {1: "重大网络舆情", 2: "一般"}


def escalation_targets(policy: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("to"), str):
                found.add(node["to"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(policy.get("escalation", policy))
    return found


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_shipped_policy_targets_exist_in_org_scaffold(policy: str) -> None:
    o = org(policy)
    targets = escalation_targets(shipped_policy(policy))
    assert targets
    for target in targets:
        kind, _, rest = target.partition(".")
        if kind == "unit":
            continue  # the case's own unit
        if kind == "units":
            assert rest.split(".")[0] in o.units, target
        elif kind == "external":
            assert rest in o.external, target
        else:
            assert target in o.roles, target


# --- scaffolds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_org_scaffold_validates_and_has_fixed_keys(policy: str) -> None:
    o = org(policy)
    assert o.institution == INSTITUTION[policy]
    keys = ORG_KEYS[policy]
    assert set(o.units) == keys["units"]
    assert set(o.roles) == keys["roles"]
    assert set(o.external) == keys["external"]
    for name, unit in o.units.items():
        assert unit is not None and unit.head is not None, name
        assert unit.head.title and unit.head.title != PLACEHOLDER, name
        assert unit.head.name == PLACEHOLDER and unit.head.phone == PLACEHOLDER, name
        assert unit.officers, name
        assert all(c.name == PLACEHOLDER and c.phone == PLACEHOLDER for c in unit.officers), name
    for key, contact in {**o.roles, **o.external}.items():
        assert contact.title and contact.title != PLACEHOLDER, key
        assert contact.phone == PLACEHOLDER, key


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_yq_scaffold_validates(policy: str) -> None:
    cfg = RepoConfig.model_validate(load(POLICIES / f"{policy}.yq.yaml"))
    assert cfg.policy == policy
    assert cfg.institution == INSTITUTION[policy]
    assert cfg.office == OFFICE[policy]
    assert cfg.timezone == "Asia/Shanghai"
    assert cfg.default_author


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_scaffolds_have_chinese_comments(policy: str) -> None:
    for name in (f"{policy}.org.yaml", f"{policy}.yq.yaml"):
        text = (POLICIES / name).read_text(encoding="utf-8")
        assert text.startswith("# "), name
        assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 3, name


# --- demo cases: each file ----------------------------------------------------------------------


@pytest.mark.parametrize("path", all_case_files(), ids=case_id)
def test_case_validates_and_is_consistent(path: Path) -> None:
    policy = path.parts[-3]
    raw = load(path)
    case = Case.model_validate(raw)

    # file name, id, date, key order
    assert list(raw) == KEY_ORDER
    assert path.name == f"{case.id}.yaml"
    local_discovery = case.discovered_at.astimezone(CST)
    assert case.id[3:11] == local_discovery.strftime("%Y%m%d")
    assert datetime(2026, 11, 1, tzinfo=CST) <= case.discovered_at <= NOW

    # unit is a key of the policy's org scaffold
    assert case.unit in org(policy).units

    # every time is written with +08:00, and nothing happened after "now"
    times = [case.discovered_at]
    times += [s.published_at for s in case.sources if s.published_at]
    times += [g.at for g in case.grading]
    for e in case.timeline:
        times.append(e.at)
        assert e.recorded_at is not None and e.recorded_at >= e.at, (e.action, e.at)
        assert e.by, e.action
        assert e.text, e.action
        times.append(e.recorded_at)
    if case.closure:
        times.append(case.closure.closed_at)
    for t in times:
        assert t.utcoffset() == timedelta(hours=8), t
        assert t <= NOW, t
    assert all(s.published_at is None or s.published_at <= case.discovered_at for s in case.sources)

    # the timeline starts with the discovery and is in order of `at`
    assert case.timeline[0].action is Action.discovered
    assert case.timeline[0].at == case.discovered_at
    ats = [e.at for e in case.timeline]
    assert ats == sorted(ats)

    # grading agrees with the policy's rules, and is recorded in the timeline
    actions = [e.action for e in case.timeline]
    if case.status is Status.open:
        assert case.level is None and case.grading == []
        assert Action.graded not in actions
    else:
        assert case.grading, "a graded case has a grading entry"
        g = case.grading[-1]
        level, name, major, matched = expected_grading(policy, case)
        assert (case.level, g.level, g.level_name, g.major) == (level, level, name, major)
        assert g.matched == matched
        assert g.policy == policy
        assert g.override_reason is None
        assert g.by
        graded = [e for e in case.timeline if e.action is Action.graded]
        assert graded and graded[-1].at == g.at

    # closure only on closed cases, and a closed case has its 总结评估
    if case.status is Status.closed:
        assert case.closure is not None
        assert case.closure.lessons
        assert Action.summary in actions
        assert case.closure.closed_at >= case.timeline[-1].at
    else:
        assert case.closure is None

    # evidence exists and its hash is right
    for s in case.sources:
        if s.evidence is None:
            assert s.sha256 is None
            continue
        assert s.evidence.startswith(f"evidence/{case.id}/")
        file = CASES / policy / s.evidence
        assert file.is_file(), s.evidence
        assert hashlib.sha256(file.read_bytes()).hexdigest() == s.sha256


@pytest.mark.parametrize("path", all_case_files(), ids=case_id)
def test_case_keeps_its_layout_on_round_trip(path: Path) -> None:
    """Written as yqctl writes: ruamel round-trip (mapping 2, sequence 4, offset 2) changes nothing."""
    rt = YAML()
    rt.Representer = NullRepresenter
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    rt.preserve_quotes = True
    text = path.read_text(encoding="utf-8")
    out = io.StringIO()
    rt.dump(rt.load(text), out)
    assert out.getvalue() == text


# --- demo cases: the set ------------------------------------------------------------------------


def cases_of(policy: str) -> list[Case]:
    return [Case.model_validate(load(p)) for p in case_files(policy)]


def test_ids_are_unique() -> None:
    ids = [case_id(p) for p in all_case_files()]
    assert len(ids) == len(set(ids))


def test_every_category_and_platform_is_covered() -> None:
    cases = cases_of("university") + cases_of("middle-school")
    assert {c.category for c in cases} == set(Category)
    assert {s.platform for c in cases for s in c.sources} == set(Platform)


@pytest.mark.parametrize(("policy", "minimum"), [("university", 12), ("middle-school", 6)])
def test_set_size_drill_and_confidential(policy: str, minimum: int) -> None:
    cases = cases_of(policy)
    assert len(cases) >= minimum
    assert sum(c.drill for c in cases) == 1
    assert any(c.confidential for c in cases)
    assert {c.status for c in cases if not c.drill} >= {
        Status.closed,
        Status.handling,
        Status.responded,
        Status.tracking,
    }


def test_university_set_covers_levels_and_scenarios() -> None:
    cases = {c.id: c for c in cases_of("university")}
    assert {c.level for c in cases.values()} == {None, 1, 2, 3}
    statuses = {c.status for c in cases.values()}
    assert statuses == set(Status)
    matched = {r for c in cases.values() for g in c.grading for r in g.matched}
    assert matched >= {
        "u1-authority",
        "u1-confidentiality",
        "u1-global-hotspot",
        "u2-local-hotspot",
        "u2-account-compromised",
        "u3-general",
    }
    assert any(c.signals.foreign_media for c in cases.values())

    def actions(c: Case) -> set[Action]:
        return {e.action for e in c.timeline}

    # a level-1 case discovered today at 10:00 whose 5-hour statement is overdue at 16:00
    overdue_statement = [
        c
        for c in cases.values()
        if c.level == 1
        and c.discovered_at == datetime(2026, 11, 24, 10, 0, tzinfo=CST)
        and c.grading[-1].major
        and Action.statement not in actions(c)
        and Action.press_conference not in actions(c)
    ]
    assert overdue_statement
    # a level-3 case discovered 2026-11-23 18:00 still without its registration form
    assert any(
        c.level == 3
        and c.discovered_at == datetime(2026, 11, 23, 18, 0, tzinfo=CST)
        and Action.registration_form not in actions(c)
        for c in cases.values()
    )
    # a level-3 case whose registration form is more than a day overdue
    assert any(
        c.level == 3
        and c.status is not Status.closed
        and Action.registration_form not in actions(c)
        and NOW - c.discovered_at > timedelta(hours=48)
        for c in cases.values()
    )
    # one discovered today, not yet graded
    assert any(
        c.status is Status.open and c.discovered_at.date() == NOW.date() for c in cases.values()
    )
    # a level-2 case whose opinion form is still pending
    assert any(
        c.level == 2 and c.status is not Status.closed and Action.opinion_form not in actions(c)
        for c in cases.values()
    )


def test_middle_school_set_covers_scenarios() -> None:
    cases = cases_of("middle-school")
    assert {c.level for c in cases} == {1, 2}
    live_major = [
        c for c in cases if c.level == 1 and not c.drill and c.status is not Status.closed
    ]
    assert live_major and all(c.signals.major for c in live_major)
    # the live major case has missed one of its "immediately" reports
    assert any(
        not {Action.reported_to_leaders, Action.reported_to_superiors, Action.reported_to_police}
        <= {e.action for e in c.timeline}
        for c in live_major
    )
    assert any(s.platform == "chat_group" for c in cases for s in c.sources)
    assert {c.category for c in cases} >= {
        Category.inquiry,
        Category.fabrication,
        Category.constructive,
        Category.malicious_spread,
    }


def test_readme_describes_demo() -> None:
    text = (CASES / "README.md").read_text(encoding="utf-8")
    assert "yqctl init" in text and "--demo" in text
    assert "演示" in text and "demo" in text.lower()
