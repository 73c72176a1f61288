"""`migrate doctor URL --save-profile` on llama.cpp's real server, and `migrate scan --target` judging against it.

The second real OpenAI-compatible server of issue 10's proof: the profile the CLI saves must show what
llama.cpp refuses and ignores (docs/targets.md), and the same code must get a different verdict against it
than against the shipped vLLM profile, for the documented reason.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from migrate.catalog.profile import ACCEPTED, IGNORED, REFUSED, load_profile
from migrate.cli import main

APP = '''from openai import OpenAI

client = OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="EMPTY")
answer = client.chat.completions.create(model="tiny-llama", messages=[{"role": "user", "content": "hi"}], n=2,
                                        temperature=0.2)
reply = client.responses.create(model="tiny-llama", input="hi")
'''


@pytest.fixture(autouse=True)
def _no_user_target(monkeypatch):
    monkeypatch.delenv("MIGRATE_TARGET_PROFILE", raising=False)  # a user's override would change every verdict


@pytest.fixture(scope="module")
def llamacpp_profile(llamacpp_server, tmp_path_factory):
    path = tmp_path_factory.mktemp("profile") / "llamacpp.json"
    result = CliRunner().invoke(main, ["doctor", llamacpp_server.base_url, "--save-profile", str(path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path, result.output


def _scan(path, *args) -> dict:
    result = CliRunner().invoke(main, ["scan", str(path), "--format", "json", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "MIGRATE_TARGET_PROFILE" not in os.environ, "--target goes to the scan, not into the process's environment"
    return json.loads(result.output)


def _finding(report: dict, endpoint: str) -> dict:
    (found,) = [f for f in report["findings"] if f["endpoint"] == endpoint]
    return found


def _issue(finding: dict, subject: str) -> dict | None:
    return next((i for i in finding["issues"] if i["subject"] == subject), None)


def test_saved_profile_names_the_server_and_its_model(llamacpp_profile):
    path, output = llamacpp_profile
    profile = load_profile(path)
    (config,) = profile.configurations
    assert config.server == "llama.cpp"  # from /v1/models' owned_by "me", llama-cpp-python's default
    assert config.version is None  # llama-cpp-python has no /version route
    (model,) = config.models
    assert (model.name, model.kind) == ("tiny-llama", "generative")
    # `developer` fails the request model's validation, which llama-cpp-python answers with HTTP 500
    assert model.roles == {"system": True, "developer": False}
    assert "llama.cpp (version unknown), tiny-llama (generative)" in output
    assert f"profile written to {path}" in output


@pytest.mark.parametrize(("endpoint", "parameter"), [
    ("chat.completions.create", "n"),
    ("completions.create", "n"),
    ("chat.completions.create", "stream_options"),
    ("chat.completions.create", "max_completion_tokens"),
], ids=["chat-n", "completions-n", "stream_options", "max_completion_tokens"])
def test_saved_profile_shows_what_llamacpp_ignores(llamacpp_profile, endpoint, parameter):
    j = load_profile(llamacpp_profile[0]).judge_parameter(endpoint, parameter)
    assert j.outcome == IGNORED and "llama.cpp accepts" in j.reason, j


@pytest.mark.parametrize(("endpoint", "parameter"), [
    ("chat.completions.create", "max_tokens"),
    ("completions.create", "echo"),
    ("chat.completions.create", "top_logprobs"),
], ids=["max_tokens", "echo", "top_logprobs"])
def test_saved_profile_shows_what_llamacpp_honours(llamacpp_profile, endpoint, parameter):
    j = load_profile(llamacpp_profile[0]).judge_parameter(endpoint, parameter)
    assert j.outcome == ACCEPTED and "honours" in j.reason, j


def test_saved_profile_probes_json_schema_apart_from_response_format(llamacpp_profile):
    """docs/targets.md: llama.cpp takes response_format json_object only; json_schema fails validation (HTTP 500)."""
    profile = load_profile(llamacpp_profile[0])
    chat = "chat.completions.create"
    assert profile.judge_parameter(chat, "response_format").outcome == ACCEPTED  # json_object, the representative
    schema = profile.judge_value_class(chat, "response_format=json_schema")
    assert schema.outcome == REFUSED and "'text' or 'json_object'" in schema.message, schema
    assert "[response_format=json_schema]: refused" in llamacpp_profile[1]


def test_scan_gives_a_json_schema_call_the_probed_refusal(llamacpp_profile, tmp_path):
    app = tmp_path / "app.py"
    app.write_text('''from openai import OpenAI

client = OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="EMPTY")
schema = client.chat.completions.create(model="tiny-llama", messages=[{"role": "user", "content": "hi"}],
    response_format={"type": "json_schema", "json_schema": {"name": "city", "schema": {"type": "object"}}})
plain = client.chat.completions.create(model="tiny-llama", messages=[{"role": "user", "content": "hi"}],
    response_format={"type": "json_object"})
''')
    llama = _scan(app, "--target", str(llamacpp_profile[0]))
    issues = [_issue(f, "response_format") for f in llama["findings"] if f["endpoint"] == "chat.completions.create"]
    refused = [i for i in issues if i is not None]
    assert len(refused) == 1, issues  # json_object passes; only the json_schema call is refused
    assert refused[0]["verdict"] == "needs-change" and refused[0]["evidence_kind"] == "probed"
    assert "llama.cpp refused `response_format` (json_schema)" in refused[0]["reason"]
    vllm = _scan(app)  # vLLM decodes json_schema with its structured outputs
    assert all(_issue(f, "response_format") is None for f in vllm["findings"]), [f["issues"] for f in vllm["findings"]]


def test_saved_profile_shows_the_routes_llamacpp_lacks(llamacpp_profile):
    profile = load_profile(llamacpp_profile[0])
    for endpoint in ("responses.create", "moderations.create"):
        route = profile.judge_route(endpoint)
        assert route.outcome == REFUSED and route.status == 404, (endpoint, route)
    assert profile.judge_route("chat.completions.create").outcome == ACCEPTED


def test_scan_against_llamacpp_differs_from_vllm_for_the_documented_reasons(llamacpp_profile, tmp_path):
    app = tmp_path / "app.py"
    app.write_text(APP)
    vllm = _scan(app)  # the shipped profile, probed on vLLM
    llama = _scan(app, "--target", str(llamacpp_profile[0]))

    # n=2: vLLM returns two choices; llama.cpp returns one (docs/targets.md: "n dropped")
    assert _issue(_finding(vllm, "chat.completions.create"), "n") is None
    n = _issue(_finding(llama, "chat.completions.create"), "n")
    assert n is not None and n["verdict"] == "ignored-by-vllm" and "expected 2 choices" in n["reason"], n

    # the model name: the shipped profile cannot know the server's names; the llama.cpp profile lists tiny-llama
    assert _issue(_finding(vllm, "chat.completions.create"), "model")["verdict"] == "needs-server-flag"
    assert _issue(_finding(llama, "chat.completions.create"), "model") is None

    # responses.create: vLLM serves /v1/responses; llama.cpp answers 404 (docs/targets.md: "no /v1/responses")
    assert _issue(_finding(vllm, "responses.create"), "endpoint") is None
    responses = _finding(llama, "responses.create")
    assert responses["verdict"] == "unsupported" and responses["evidence_kind"] == "probed"
    assert "llama.cpp answered HTTP 404" in _issue(responses, "endpoint")["reason"]


def test_doctor_tools_probe_sees_required_not_enforced(llamacpp_server):
    """llama.cpp accepts tool_choice="required" and answers in text; only a named function is grammar-forced."""
    from migrate.doctor import Status, run_doctor

    (tools,) = run_doctor(llamacpp_server.base_url, ["tools"], timeout_s=120).results
    assert tools.status == Status.FAIL, tools
    assert tools.detail.startswith("tool_choice=required came back with no get_weather call")
    assert "answered as asked: auto, named" in tools.detail
    assert tools.fix.startswith("llama.cpp does not force a tool call for required") and "vLLM" not in tools.fix


def test_doctor_fixes_name_llamacpp_not_vllm(llamacpp_server):
    from migrate.doctor import run_doctor

    report = run_doctor(llamacpp_server.base_url, None, timeout_s=120)
    fixes = {r.feature: r.fix for r in report.results if r.fix}
    assert set(fixes) >= {"roles", "stream", "tools", "json_schema", "n", "responses", "embeddings"}
    for feature, fix in fixes.items():
        assert "start vLLM" not in fix and "--tool-call-parser" not in fix, (feature, fix)
    assert fixes["responses"].startswith("llama.cpp does not serve /v1/responses")


def test_serve_plan_warns_about_what_llamacpp_refuses_and_ignores(llamacpp_profile, tmp_path):
    from pathlib import Path

    model = Path(__file__).parents[1] / "serve" / "cases" / "tools_llama" / "models" / "Llama-3.1-8B-Instruct"
    app = tmp_path / "app.py"
    app.write_text(APP)
    result = CliRunner().invoke(main, ["serve", "--for", str(app), "--model", str(model), "--device", "cuda",
                                       "--dry-run", "--format", "json", "--target", str(llamacpp_profile[0])],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    warnings = [w for w in json.loads(result.output)["warnings"] if w.startswith("target llamacpp ")]
    assert any(w.startswith("target llamacpp ignores `n` on chat.completions.create at app.py:4: llama.cpp accepts")
               for w in warnings), warnings
    assert any(w.startswith("target llamacpp refuses responses.create at app.py:6: llama.cpp answered HTTP 404")
               for w in warnings), warnings
