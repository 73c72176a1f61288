"""benchmarks/semgrep_rules.yml is a fair competitor: it runs offline and finds what migrate finds."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "benchmarks" / "semgrep_rules.yml"

# Every construct the rule set is meant to catch, one per line, with the rule that must fire there.
APP = textwrap.dedent(
    """\
    import os
    import openai
    from openai import OpenAI as C, AsyncOpenAI, AzureOpenAI
    from langchain_openai import ChatOpenAI
    import litellm

    client = C(api_key=os.environ["OPENAI_API_KEY"])
    openai.api_key = "sk-test"
    URL = "https://api.openai.com/v1/chat/completions"
    azure = AzureOpenAI(azure_endpoint="https://x.openai.azure.com", api_version="2024-06-01")


    class Bot:
        def __init__(self):
            self.client = AsyncOpenAI()

        async def ask(self):
            return await self.client.chat.completions.create(model="gpt-4o", messages=[])


    client.beta.chat.completions.parse(model="gpt-4o", messages=[])
    client.chat.completions.with_raw_response.create(model="gpt-4o", messages=[])
    client.responses.create(model="gpt-4o", input="hi")
    client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi")
    client.embeddings.create(model="text-embedding-3-small", input="hi")
    client.images.generate(prompt="a cat")
    client.audio.transcriptions.create(file=None, model="whisper-1")
    client.beta.threads.runs.create(thread_id="t")
    client.files.create(file=None, purpose="batch")
    openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[])
    ChatOpenAI(model="gpt-4o")
    litellm.completion(model="gpt-4o", messages=[])
    os.getenv("OPENAI_BASE_URL")
    client.moderations.create(input="hi")
    """
)
EXPECTED = {
    7: {"openai-client", "openai-env"},
    8: {"openai-module-config"},
    9: {"openai-url"},
    10: {"openai-client"},
    15: {"openai-client"},
    18: {"openai-chat-completions"},
    21: {"openai-chat-completions"},
    22: {"openai-chat-completions"},
    23: {"openai-responses"},
    24: {"openai-completions-embeddings-moderations"},
    25: {"openai-completions-embeddings-moderations"},
    26: {"openai-images-audio"},
    27: {"openai-images-audio"},
    28: {"openai-platform-resources"},
    29: {"openai-platform-resources"},
    30: {"openai-legacy-sdk"},
    31: {"openai-wrappers"},
    32: {"openai-wrappers"},
    33: {"openai-env"},
    34: {"openai-completions-embeddings-moderations"},
}
UNRELATED = textwrap.dedent(
    """\
    # openai.ChatCompletion.create(model="gpt-4") in a comment
    import os
    label = "openai_key_label"
    home = os.environ["HOME"]
    queue.tasks.create(name="x")
    """
)


def _semgrep(semgrep: str, scan_speed, target: Path, tmp_path: Path) -> list[dict]:
    out = tmp_path / "semgrep.json"
    env = scan_speed.semgrep_env()
    proc = subprocess.run(scan_speed.semgrep_command(semgrep, target, out, jobs=1), capture_output=True,
                          text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["errors"] == []
    return data["results"]


def test_rules_file_is_well_formed():
    rules = yaml.safe_load(RULES.read_text())["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) >= 9
    assert all(r["languages"] == ["python"] and r["message"] and r["severity"] for r in rules)


def test_semgrep_command_stays_offline_and_scans_everything(scan_speed, tmp_path):
    cmd = scan_speed.semgrep_command("semgrep", tmp_path, tmp_path / "o.json", jobs=2)
    assert cmd[cmd.index("--config") + 1] == str(RULES)  # a local file: never the registry
    for flag in ("--metrics=off", "--disable-version-check", "--no-git-ignore", "--x-ignore-semgrepignore-files"):
        assert flag in cmd
    assert cmd[cmd.index("--jobs") + 1] == "2" and cmd[cmd.index("--timeout") + 1] == "0"
    assert scan_speed.semgrep_env()["SEMGREP_SEND_METRICS"] == "off"


def test_each_rule_fires_where_expected(bench_tools, scan_speed, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "bot.py").write_text(APP)
    (app / "unrelated.py").write_text(UNRELATED)
    found: dict[int, set[str]] = {}
    for r in _semgrep(bench_tools["semgrep"], scan_speed, app, tmp_path):
        assert Path(r["path"]).name == "bot.py", f"false positive in {r['path']}:{r['start']['line']}"
        found.setdefault(r["start"]["line"], set()).add(r["check_id"].rsplit(".", 1)[-1])
    assert found == EXPECTED


def test_semgrep_flags_every_line_migrate_flags(bench_tools, scan_speed, tmp_path):
    """The comparison is fair only if semgrep is asked to find at least what migrate finds."""
    from migrate.scan import scan

    app = tmp_path / "app"
    app.mkdir()
    (app / "bot.py").write_text(APP)
    migrate_lines = {f.line for f in scan([app]).findings if f.path == "bot.py" and f.kind.value != "exception"}
    semgrep_lines = {r["start"]["line"] for r in _semgrep(bench_tools["semgrep"], scan_speed, app, tmp_path)}
    assert migrate_lines, "migrate found nothing in the fixture"
    assert migrate_lines - semgrep_lines == set()
