"""``yqctl import`` through the real CLI and git: leads from a CSV or .xlsx export open cases in
one commit; links already in an open case, and repeated rows, are skipped and named; unreadable
rows are named at row:column and block the import unless ``--skip-invalid``; a dry run and every
refusal leave the repository exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from tests.cli.test_git_failures import git_state, refusing_hook
from tests.conftest import NOW, Runner, git
from yqctl.core.leads import MAX_LEADS

Snapshot = Callable[[Path], dict[str, bytes]]
HEADER = "标题,原文链接,来源,作者,发布时间,预警时间,正文,转发数,评论数,情感倾向"


@pytest.fixture
def open_case(new_case: Callable[..., str]) -> tuple[str, str]:
    url = "https://weibo.com/7001/OpenCase"
    return new_case("--source", url, "--discovered-at", "2026-11-24T08:00:00+08:00"), url


def _csv(tmp_path: Path, *rows: str, name: str = "leads.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(["舆情预警导出（2026-11-24）,,", HEADER, *rows]) + "\n", "utf-8")
    return path


GOOD = [
    "网传二食堂饭菜有异物,https://weibo.com/1001/Abc,新浪微博,某吐槽号,2026/11/24 08:10,"
    '2026-11-24 09:00,"吃出异物，\n太恶心了",1.2万,35,负面',  # line 3 (a cell spans two lines)
    "宿舍停水一天,https://www.xiaohongshu.com/explore/99,小红书,学生号,2026年11月24日 7:05,,"
    "停水了,12,3,负面",  # line 5
]


def _import(yq: Runner, repo: Path, path: Path, *extra: str) -> Any:
    return yq("import", str(path), "--repo", str(repo), "--now", NOW, *extra)


def _cases(repo: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in (repo / "cases").rglob("*.yaml")}


def test_leads_open_cases_in_one_commit_with_where_they_came_from(
    yq: Runner, repo: Path, tmp_path: Path
) -> None:
    commits = int(git(repo, "rev-list", "--count", "HEAD"))
    result = _import(yq, repo, _csv(tmp_path, *GOOD), "--unit", "后勤处", "--json")
    assert result.code == 0, result.err
    out = result.json()
    assert out["written"] and [item["row"] for item in out["opened"]] == [3, 5]
    assert int(git(repo, "rev-list", "--count", "HEAD")) == commits + 1
    assert git(repo, "log", "-1", "--format=%s").strip() == "yqctl import leads.csv: 新建 2 起舆情"
    assert git(repo, "status", "--porcelain") == ""
    cases = _cases(repo)
    first = cases[out["opened"][0]["id"]]
    assert first["title"] == "网传二食堂饭菜有异物" and first["unit"] == "后勤处"
    assert str(first["discovered_at"]) == "2026-11-24 09:00:00+08:00"  # the alert time
    assert first["signals"]["reposts"] == 12000 and first["signals"]["comments"] == 35
    source = first["sources"][0]
    assert source["platform"] == "weibo" and source["stance"] == "critical"
    assert (
        source["account"] == "某吐槽号" and source["excerpt"] == "吃出异物，\n太恶心了\n"
    )  # a block ends with a break
    assert first["timeline"][0]["text"] == "监测平台预警导入（leads.csv 第 3 行）"
    second = cases[out["opened"][1]["id"]]
    assert second["sources"][0]["platform"] == "xiaohongshu"  # was other, counted as 其他
    assert second["timeline"][0]["text"] == "监测平台预警导入（leads.csv 第 5 行）"
    assert str(second["discovered_at"]) == "2026-11-24 16:00:00+08:00"  # no alert time: now
    check = yq("check", "--repo", str(repo), "--now", NOW)
    assert check.code == 0, check.out + check.err


def test_duplicates_and_malformed_rows_block_the_import_and_are_all_named(
    yq: Runner, repo: Path, tmp_path: Path, open_case: tuple[str, str], snapshot: Snapshot
) -> None:
    case_id, url = open_case
    rows = [
        *GOOD,
        f"已在办的帖子,{url}/,微博,某号,2026-11-24 08:00,,内容,1,1,中性",  # line 6
        "同一帖子再次预警,https://weibo.com/1001/Abc,微博,某号,,,内容,,,负面",  # line 7
        "时间写错,https://news.example.cn/a,网媒,记者,昨天下午,,内容,很多,1,负面",  # line 8
        "链接写错,news.example.cn/b,网媒,记者,,,内容,1,1,负面",  # line 9
    ]
    before, state = snapshot(repo), git_state(repo)
    result = _import(yq, repo, _csv(tmp_path, *rows), "--unit", "后勤处")
    assert result.code == 1 and "Traceback" not in result.err
    assert snapshot(repo) == before and git_state(repo) == state  # nothing imported
    assert "leads.csv:8:5: 发布时间" in result.err and "leads.csv:8:8: 转发数" in result.err
    assert "leads.csv:9:2: 原文链接" in result.err
    assert "有 2 行无法读取，未导入任何案件" in result.err and "--skip-invalid" in result.err
    assert case_id in result.out and "本表第 3 行" in result.out  # the duplicates, named
    assert "本可新建 2 起" in result.out

    taken = _import(yq, repo, _csv(tmp_path, *rows), "--unit", "后勤处", "--skip-invalid", "--json")
    assert taken.code == 0, taken.err
    out = taken.json()
    assert [item["row"] for item in out["opened"]] == [3, 5]
    assert [(d["row"], d["case"], d["same_as_row"]) for d in out["duplicates"]] == [
        (6, case_id, None),
        (7, None, 3),
    ]
    assert sorted((p["line"], p["col"]) for p in out["invalid"]) == [(8, 5), (8, 8), (9, 2)]
    assert len(_cases(repo)) == 3


def test_a_dry_run_shows_the_plan_and_writes_nothing(
    yq: Runner, repo: Path, tmp_path: Path, snapshot: Snapshot
) -> None:
    before, state = snapshot(repo), git_state(repo)
    result = _import(yq, repo, _csv(tmp_path, *GOOD), "--unit", "后勤处", "--dry-run")
    assert result.code == 0, result.err
    assert "将新建 2 起" in result.out and "网传二食堂饭菜有异物" in result.out
    assert snapshot(repo) == before and git_state(repo) == state


def test_importing_the_same_export_twice_opens_nothing_the_second_time(
    yq: Runner, repo: Path, tmp_path: Path
) -> None:
    path = _csv(tmp_path, *GOOD)
    assert _import(yq, repo, path, "--unit", "后勤处").code == 0
    head = git(repo, "rev-parse", "HEAD")
    again = _import(yq, repo, path, "--unit", "后勤处", "--json")
    assert again.code == 0 and again.json()["opened"] == []
    assert len(again.json()["duplicates"]) == 2
    assert git(repo, "rev-parse", "HEAD") == head  # no empty commit


def test_a_link_only_a_closed_case_records_opens_a_new_case_and_says_so(
    yq: Runner, repo: Path, tmp_path: Path, open_case: tuple[str, str]
) -> None:
    case_id, url = open_case
    closing = ["close", case_id, "--result", "已核实", "--evaluation", "处置得当", "--force"]
    closed = yq(*closing, "--reason", "测试", "--repo", str(repo), "--now", NOW)
    assert closed.code == 0, closed.err
    path = _csv(tmp_path, f"事件再次发酵,{url},微博,某号,,,内容,,,负面")
    out = _import(yq, repo, path, "--unit", "后勤处", "--json").json()
    assert [item["seen_in_closed"] for item in out["opened"]] == [case_id]


def test_an_xlsx_export_with_a_repository_mapping(yq: Runner, repo: Path, tmp_path: Path) -> None:
    config = repo / "yq.yaml"
    mapping = (
        "\nimport_mappings:\n  monitor:\n    columns:\n      title: 帖文题目\n"
        "      url: [原文URL, 链接]\n      platform: 媒体名称\n      published_at: 发文时间\n"
        "      reposts: 转发\n    platforms: {新浪微博客户端: weibo}\n    unit: 学生处\n"
        "    category: inquiry\n"
    )
    config.write_text(config.read_text("utf-8") + mapping, "utf-8")
    git(repo, "commit", "-qam", "导入映射")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["帖文题目", "原文URL", "媒体名称", "发文时间", "转发"])
    sheet.append(["考试安排引质疑", "https://weibo.com/1/x", "新浪微博客户端",
                  datetime(2026, 11, 24, 7, 30), 420])  # fmt: skip
    sheet.append(["坏数量", "https://weibo.com/1/y", "新浪微博客户端", None, -1])
    path = tmp_path / "预警.xlsx"
    book.save(path)
    result = _import(yq, repo, path, "--mapping", "monitor", "--skip-invalid", "--json")
    assert result.code == 0, result.err
    out = result.json()
    assert [p["line"] for p in out["invalid"]] == [3] and out["invalid"][0]["col"] == 5
    (case,) = _cases(repo).values()
    assert case["unit"] == "学生处" and case["category"] == "inquiry"
    assert case["sources"][0]["platform"] == "weibo" and case["signals"]["reposts"] == 420
    assert str(case["sources"][0]["published_at"]) == "2026-11-24 07:30:00+08:00"
    generic = _import(yq, repo, path)  # the generic mapping does not know these headers
    assert generic.code == 1 and "找不到表头" in generic.err


def test_the_documented_mapping_example_in_yq_yaml_is_valid(yq: Runner, repo: Path) -> None:
    config = repo / "yq.yaml"
    lines = config.read_text("utf-8").splitlines()
    start = lines.index("# import_mappings:")
    example = [line.removeprefix("# ") for line in lines[start:] if line.startswith("# ")]
    config.write_text("\n".join([*lines, *example]) + "\n", "utf-8")
    result = yq("check", "--repo", str(repo), "--now", NOW)
    assert result.code == 0, result.out + result.err
    dry = _import(yq, repo, Path("missing.csv"), "--mapping", "monitor")
    assert "monitor" not in dry.err and "不存在" in dry.err  # the mapping was found


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--unit"),  # no unit column and no default unit
        (("--unit", "外星处"), "不是 org.yaml 中的单位"),
        (("--unit", "后勤处", "--category", "rumour"), "--category"),
        (("--unit", "后勤处", "--mapping", "qingbo"), "generic"),
    ],
)
def test_usage_errors_change_nothing(
    yq: Runner,
    repo: Path,
    tmp_path: Path,
    snapshot: Snapshot,
    args: tuple[str, ...],
    message: str,
) -> None:
    before = snapshot(repo)
    result = _import(yq, repo, _csv(tmp_path, *GOOD), *args)
    assert result.code == 2 and message in result.err, result.err
    assert snapshot(repo) == before


def test_a_refused_commit_leaves_no_case_behind(yq: Runner, repo: Path, tmp_path: Path) -> None:
    refusing_hook(repo)
    state = git_state(repo)
    result = _import(yq, repo, _csv(tmp_path, *GOOD), "--unit", "后勤处")
    assert result.code == 1 and "钩子拒绝了提交" in result.err
    assert _cases(repo) == {} and git_state(repo) == state


def test_check_names_a_mapping_whose_default_unit_is_not_in_org_yaml(
    yq: Runner, repo: Path
) -> None:
    config = repo / "yq.yaml"
    text = config.read_text("utf-8")
    mapping = "import_mappings:\n  monitor:\n    columns: {title: 信息标题}\n    unit: 外星处\n"
    config.write_text(text + mapping, "utf-8")
    line = len(text.splitlines()) + 4
    result = yq("check", "--repo", str(repo), "--now", NOW)
    assert result.code == 1
    assert (
        f"yq.yaml:{line}:11: 导入映射 monitor 的默认单位 '外星处' 不在 org.yaml 中"
        in result.out + result.err
    )


def test_two_imports_of_one_export_at_once_open_each_lead_once(repo: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    script = Path(sys.executable).with_name("yqctl")
    path = _csv(tmp_path, *GOOD)
    command = [str(script), "import", str(path), "--unit", "后勤处", "--now", NOW]
    runs = [
        subprocess.Popen(command, cwd=repo, env=os.environ.copy(), stdout=subprocess.PIPE)
        for _ in range(2)
    ]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    assert sorted(case["title"] for case in _cases(repo).values()) == sorted(
        ["网传二食堂饭菜有异物", "宿舍停水一天"]
    )
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.slow
def test_exactly_100000_data_rows_below_a_title_and_a_header_are_taken(
    yq: Runner, repo: Path, tmp_path: Path
) -> None:
    """The limit counts data rows: the export's title line and header do not eat into it."""
    path = tmp_path / "full.csv"
    rows = (f"第{n}条,https://weibo.com/{n}/A,新浪微博,后勤处\n" for n in range(MAX_LEADS))
    path.write_text("监测导出,,,\n标题,链接,来源,涉事单位\n" + "".join(rows), "utf-8")
    result = yq("import", str(path), "--dry-run", "--json", "--repo", str(repo), "--now", NOW)
    assert result.code == 0, result.err
    assert len(result.json()["opened"]) == MAX_LEADS
    with path.open("a", encoding="utf-8") as more:
        more.write("再一条,https://weibo.com/x/A,新浪微博,后勤处\n")
    refused = yq("import", str(path), "--dry-run", "--repo", str(repo), "--now", NOW)
    assert refused.code == 1
    assert f"full.csv:{MAX_LEADS + 3}:1: 表头以下超过 {MAX_LEADS} 行数据，请分批导入" in refused.err


def test_engagement_columns_reach_the_case_and_the_posters_location_does_not(
    yq: Runner, repo: Path, tmp_path: Path
) -> None:
    """An export's 点赞/收藏 become signals, 粉丝数/命中关键词/预警级别 stay on the source, and
    IP属地 (where the poster is) is read nowhere: not in the file, not in the history."""
    header = "标题,原文链接,平台,作者,粉丝数,IP属地,点赞数,收藏数,命中关键词,预警级别"
    row = "学生质疑重修费,https://b23.tv/Ab12Cd3,哔哩哔哩,挂科不挂心,1.2万,江苏省,3456,10万+,重修费 收费,红色预警"
    path = tmp_path / "alerts.csv"
    path.write_text(f"{header}\n{row}\n", "utf-8")
    result = _import(yq, repo, path, "--unit", "教务处", "--json")
    assert result.code == 0, result.err
    case_id = result.json()["opened"][0]["id"]
    text = (repo / "cases" / "2026" / f"{case_id}.yaml").read_text("utf-8")
    case = yaml.safe_load(text)
    assert case["signals"]["likes"] == 3456 and case["signals"]["favorites"] == 100000
    source = case["sources"][0]
    assert source["platform"] == "bilibili"
    assert (source["followers"], source["keywords"], source["alert_level"]) == (
        12000, "重修费、收费", "红色预警",
    )  # fmt: skip
    assert "江苏" not in text and "江苏" not in git(repo, "log", "-p")
    shown = yq("show", case_id, "--repo", str(repo), "--now", NOW)
    assert "B站  挂科不挂心（粉丝 12000）" in shown.out
    assert "预警级别：红色预警；命中关键词：重修费、收费（监测平台）" in shown.out
    assert "点赞 3456、收藏 100000" in shown.out
    assert yq("check", "--repo", str(repo), "--now", NOW).code == 0


def test_a_mapping_naming_the_posters_location_is_refused_at_its_line(
    yq: Runner, repo: Path, tmp_path: Path, snapshot: Snapshot
) -> None:
    config = repo / "yq.yaml"
    text = config.read_text("utf-8")
    mapping = "import_mappings:\n  monitor:\n    columns:\n      title: 信息标题\n"
    config.write_text(text + mapping + "      account: [作者, IP属地]\n", "utf-8")
    git(repo, "commit", "-qam", "a mapping that reads IP属地")
    line = len(text.splitlines()) + 5
    result = yq("check", "--repo", str(repo), "--now", NOW)
    assert result.code == 1
    assert f"yq.yaml:{line}:" in result.out + result.err
    assert "“IP属地”是发帖人的个人信息，yqctl 不导入" in result.out + result.err
    before = snapshot(repo)
    path = tmp_path / "alerts.csv"
    path.write_text("信息标题,作者,IP属地\n某帖,某号,江苏省\n", "utf-8")
    imported = _import(yq, repo, path, "--mapping", "monitor", "--unit", "教务处")
    assert imported.code == 1 and "个人信息" in imported.err and "Traceback" not in imported.err
    assert snapshot(repo) == before
