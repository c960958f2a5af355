"""``due --notify`` and ``grade --notify`` against a local webhook started by the test: what is
sent, that cron does not repeat it, that secrets stay in the environment, and failures."""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, Runner, add_channel, git
from yqctl.core.config import Channel
from yqctl.store.notifier import Target

pytestmark = pytest.mark.usefixtures("git_available")


class Hook:
    """A local HTTP endpoint that records every JSON payload posted to it."""

    def __init__(self, status: int = 200) -> None:
        self.payloads: list[dict[str, Any]] = []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                hook.payloads.append(json.loads(self.rfile.read(length)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"json://127.0.0.1:{self.server.server_port}/yq"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hook]:
    endpoint = Hook()
    monkeypatch.setenv("YQCTL_TEST_HOOK", endpoint.url)
    yield endpoint
    endpoint.server.shutdown()


@pytest.fixture
def notifying_repo(demo_repo: Path) -> Path:
    return add_channel(demo_repo, "webhook", "YQCTL_TEST_HOOK")


def test_due_notify_sends_the_overdue_list_once_per_state(
    notifying_repo: Path, yq: Runner, hook: Hook
) -> None:
    listed = yq("due", "--repo", str(notifying_repo), "--now", NOW, "--json").json()
    overdue = [i for i in listed if i.get("deadline") and i["deadline"]["status"] == "overdue"]
    assert overdue
    result = yq("due", "--repo", str(notifying_repo), "--now", NOW, "--notify")
    assert "已通知：舆情办工作群" in result.err
    (payload,) = hook.payloads
    assert payload["type"] == "warning"
    assert f"{len(overdue)} 项已超时" in payload["title"] and "XX工程学院" in payload["title"]
    for item in overdue:
        assert item["id"] in payload["message"] and item["deadline"]["title"] in payload["message"]
    again = yq("due", "--repo", str(notifying_repo), "--now", NOW, "--notify")
    assert len(hook.payloads) == 1 and "没有需要通知的新情况" in again.err  # cron: no repeat
    later = yq("due", "--repo", str(notifying_repo), "--now", "2026-11-26T09:00:00+08:00",
               "--notify")  # fmt: skip
    assert later.code in (0, 1) and len(hook.payloads) == 2  # what has since become overdue
    assert "已超时" in hook.payloads[1]["message"]


def test_dry_run_shows_the_message_and_sends_nothing(
    notifying_repo: Path, yq: Runner, hook: Hook
) -> None:
    result = yq("due", "--repo", str(notifying_repo), "--now", NOW, "--notify", "--dry-run")
    assert "【试发送，未发出】将发到：舆情办工作群" in result.err and "项已超时" in result.err
    assert hook.payloads == []
    yq("due", "--repo", str(notifying_repo), "--now", NOW, "--notify")
    assert len(hook.payloads) == 1  # the dry run did not count as announced


def test_grade_notify_sends_level_contacts_and_deadlines(
    notifying_repo: Path, yq: Runner, hook: Hook
) -> None:
    listed = yq("list", "--repo", str(notifying_repo), "--json").json()
    case = next(c for c in listed if c["status"] == "open")
    result = yq("grade", case["id"], "--repo", str(notifying_repo), "--now", NOW, "--notify",
                "--level", "1", "--reason", "上级关注")  # fmt: skip
    assert result.code == 0, result.err
    (payload,) = hook.payloads
    assert payload["title"] == "XX工程学院 舆情定级：一级，重大舆情"
    message = payload["message"]
    assert case["id"] in message and case["title"] in message and "应通知：" in message
    assert "处置时限：" in message and "（五(二)）" in message


def test_a_confidential_case_is_named_by_its_id_only(
    notifying_repo: Path, yq: Runner, hook: Hook
) -> None:
    listed = yq("due", "--repo", str(notifying_repo), "--now", NOW, "--json").json()
    item = next(i for i in listed if i.get("deadline") and i["deadline"]["status"] == "overdue")
    path = next(notifying_repo.glob(f"cases/*/{item['id']}.yaml"))
    path.write_text(path.read_text("utf-8").replace("confidential: false", "confidential: true"))
    yq("due", "--repo", str(notifying_repo), "--now", NOW, "--notify")
    message = hook.payloads[0]["message"]
    assert f"{item['id']}（涉密案件）" in message and item["title"] not in message


def test_a_missing_secret_or_refusing_endpoint_fails_clearly(
    notifying_repo: Path, yq: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("YQCTL_TEST_HOOK", raising=False)
    missing = yq("due", "--repo", str(notifying_repo), "--now", NOW, "--notify")
    assert missing.code == 1 and "环境变量 YQCTL_TEST_HOOK 未设置" in missing.err
    monkeypatch.setenv("YQCTL_TEST_HOOK", "wecombot://key-in-the-wrong-variable")
    wrong = yq("due", "--repo", str(notifying_repo), "--now", NOW, "--notify")
    assert wrong.code == 1 and "应以 json://" in wrong.err
    refusing = Hook(status=500)
    monkeypatch.setenv("YQCTL_TEST_HOOK", refusing.url)
    try:
        failed = yq("due", "--repo", str(notifying_repo), "--now", NOW, "--notify")
    finally:
        refusing.server.shutdown()
    assert failed.code == 1 and "通知发送失败：舆情办工作群" in failed.err
    assert len(refusing.payloads) == 1
    assert "Traceback" not in failed.err


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Per kind of channel, addresses malformed or unreachable in the ways people get them wrong; the
# {secret} placeholders are the parts that must never be shown (PORT: a closed local port).
LEAKY = {
    "dingtalk": [
        "dingtalk://bad-secret!@{TOKENdingA1b2c3d4}/",  # the example: an invalid secret
        "dingtalk://{TOKENding0}!x/",  # a stray character in the token
        "dingtalk://{SECding0123456789abcdef}@{TOKENdingE5f6g7h8}/",  # well-formed, unreachable
    ],
    "wecom": ["wecombot://{KEYwecom0}!stray", "wecombot://{KEYwecomValid-1234}"],
    "feishu": [
        "feishu://{TOKENfeishu0}!x",
        "feishu://{TOKENfeishuValid123}",
        "lark://{TOKENlark0}!x",
        "lark://{TOKENlarkValid123}",  # apprise's text quoted the whole URL with its token
    ],
    "email": [
        "mailto://{mailuser0}:{PASSmail0}@127.0.0.1:PORT?to=duty@example.edu.cn",  # no From domain
        "mailtos://{mailuser1}:{PASSmail1}@{mail.school0.edu.cn}:PORT?smtp=127.0.0.1&to=a@example.edu.cn",
        "mailto://{mailuser2}:{PASSmail2}@{mail.school1.edu.cn}:99999",  # no such port
    ],
    "webhook": [
        "json://{hookuser0}:{PASShook0}@{bad host}/x",
        "jsons://{hookuser1}:{PASShook1}@127.0.0.1:PORT/x?token={TOKhook1}",
        "form://{hookuser2}:{PASShook2}@127.0.0.1:PORT/hook/{TOKhook2}",
        "forms://{hookuser3}:{PASShook3}@{hooks.school2.edu.cn}:99999/{TOKhook3}",
    ],
}


def _channels(root: Path) -> dict[str, tuple[str, list[str]]]:
    """One channel per address of LEAKY in ``root``'s yq.yaml: variable → (URL, its secrets)."""
    port = str(_closed_port())
    made: dict[str, tuple[str, list[str]]] = {}
    lines = ["", "notify:"]
    for kind, addresses in LEAKY.items():
        for n, address in enumerate(addresses):
            variable = f"YQCTL_NOTIFY_{kind.upper()}_{n}"
            secrets = re.findall(r"\{([^}]+)\}", address)
            made[variable] = (
                address.replace("PORT", port).replace("{", "").replace("}", ""),
                secrets,
            )
            lines += [f"  - name: {kind}群{n}", f"    kind: {kind}", f"    url_env: {variable}"]
    config = root / "yq.yaml"
    config.write_text(config.read_text("utf-8") + "\n".join(lines) + "\n", "utf-8")
    git(root, "commit", "-qam", "通知渠道")
    return made


def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every HTTP(S) request goes to a closed local port and fails at once: no test waits on the
    network, and the robots' fixed hosts are never contacted."""
    proxy = f"http://127.0.0.1:{_closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)


def test_no_part_of_any_address_is_ever_shown(
    demo_repo: Path, yq: Runner, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Each failure names the channel and its variable, and nothing of the address: not in yqctl's
    output (text or --json), not in anything apprise, urllib3 or a warning writes to the real
    stdout/stderr. Before, apprise's text was printed: the DingTalk token, the whole WeCom key."""
    channels = _channels(demo_repo)
    for variable, (url, _) in channels.items():
        monkeypatch.setenv(variable, url)
    _offline(monkeypatch)
    for extra in ((), ("--json",)):
        result = yq("due", "--repo", str(demo_repo), "--now", NOW, "--notify", *extra)
        shown = result.out + result.err + "".join(capfd.readouterr())
        assert result.code == 1 and "Traceback" not in shown
        for variable, (url, secrets) in channels.items():
            kind, n = variable.removeprefix("YQCTL_NOTIFY_").lower().rsplit("_", 1)
            assert f"通知发送失败：{kind}群{n}（环境变量 {variable}）" in result.err
            for secret in [url, *secrets]:
                assert secret not in shown, (variable, secret)
    assert "地址无法解析" in result.err and "无法连接或对方拒收" in result.err


def test_an_exception_inside_apprise_is_named_by_its_type_only(
    notifying_repo: Path, yq: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apprise

    def explode(self: object, **_: object) -> bool:
        raise RuntimeError("failed posting to json://user:PASSinside@127.0.0.1/yq")

    monkeypatch.setattr(apprise.Apprise, "notify", explode)
    monkeypatch.setenv("YQCTL_TEST_HOOK", "json://user:PASSinside@127.0.0.1/yq")
    result = yq("due", "--repo", str(notifying_repo), "--now", NOW, "--notify")
    assert result.code == 1 and "发送时出错（RuntimeError）" in result.err
    assert "PASSinside" not in result.err + result.out and "内部错误" not in result.err


def test_a_target_keeps_its_address_out_of_its_repr() -> None:
    channel = Channel(name="舆情办工作群", kind="wecom", url_env="YQCTL_NOTIFY_WECOM")
    target = Target(channel, "wecombot://KEYinrepr")
    assert "KEYinrepr" not in repr(target) and "KEYinrepr" not in str([target])
