"""CI files for the shared remote (``yqctl init --ci gitlab|gitea|github``): ``yqctl check`` on
every push and merge request, and a scheduled ``yqctl due --check --notify``.

The scheduled job keeps ``.yqctl/cache/notified.json`` in the CI cache, so each deadline is
announced once per state, as on an office machine. Notification addresses come from the CI's
secret variables, one per channel in yq.yaml, named as yq.yaml names them.
"""

from __future__ import annotations

from yqctl import __version__
from yqctl.core.config import Channel

PATHS = {
    "github": ".github/workflows/yqctl.yml",
    "gitea": ".gitea/workflows/yqctl.yml",
    "gitlab": ".gitlab-ci.yml",
}
INSTALL = f"yqctl=={__version__}"
INSTALL_NOTE = (
    "改成贵校安装 yqctl 的方式，如 git+https://git.example.edu.cn/tools/yqctl.git@v" + __version__
)
SCHEDULE = "*/30 * * * *"  # every 30 minutes: the shortest deadlines are 30 minutes (第一时间)
ANNOUNCED = ".yqctl/cache/notified.json"
SETUP = """\
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install "$YQCTL_INSTALL"
"""  # the first steps of both jobs
NO_CHANNELS = "          {}  # yq.yaml 中还没有通知渠道（notify）：添加后重新运行 yqctl init --ci\n"


def ci_file(kind: str, channels: list[Channel]) -> tuple[str, str]:
    """The path and text of the CI file for ``kind``."""
    text = _gitlab(channels) if kind == "gitlab" else _actions(channels)
    return PATHS[kind], text


def _actions(channels: list[Channel]) -> str:
    secrets = (
        "".join(
            f"          {c.url_env}: ${{{{ secrets.{c.url_env} }}}}  # {c.name}\n" for c in channels
        )
        or NO_CHANNELS
    )
    return f"""\
# yqctl：每次推送和合并请求都运行 yqctl check；每 30 分钟检查处置时限并通知（yqctl init --ci 生成）
# 通知渠道的地址（含密钥）放在仓库设置的 Secrets 中，名称与 yq.yaml 的 url_env 相同。
name: yqctl
on:
  push:
  pull_request:
  schedule:
    - cron: "{SCHEDULE}"
  workflow_dispatch:
env:
  YQCTL_INSTALL: "{INSTALL}"  # {INSTALL_NOTE}
jobs:
  check:
    if: github.event_name != 'schedule'
    runs-on: ubuntu-latest
    steps:
{SETUP}      - run: yqctl check
  due:
    if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
    steps:
{SETUP}      - uses: actions/cache@v4  # 已通知过的状态：同一时限同一状态只通知一次
        with:
          path: {ANNOUNCED}
          key: yqctl-notified-${{{{ github.run_id }}}}
          restore-keys: yqctl-notified-
      - name: yqctl due --check --notify
        run: yqctl due --check --notify
        env:
{secrets}"""


def _gitlab(channels: list[Channel]) -> str:
    names = "、".join(c.url_env for c in channels) or "（yq.yaml 中还没有通知渠道）"
    return f"""\
# yqctl：每次推送和合并请求都运行 yqctl check；计划任务（CI/CD → Schedules，建议每 30 分钟，
# cron "{SCHEDULE}"）检查处置时限并通知（yqctl init --ci 生成）。
# 通知渠道的地址（含密钥）放在 Settings → CI/CD → Variables（Masked），名称与 yq.yaml 的
# url_env 相同：{names}
variables:
  YQCTL_INSTALL: "{INSTALL}"  # {INSTALL_NOTE}
default:
  image: python:3.11
  before_script:
    - pip install "$YQCTL_INSTALL"
check:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_PIPELINE_SOURCE == "push"
  script:
    - yqctl check
due:
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
  cache:  # 已通知过的状态：同一时限同一状态只通知一次
    key: yqctl-notified
    paths:
      - {ANNOUNCED}
  script:
    - yqctl due --check --notify
"""
