"""The prober (migrate.doctor.profile), `migrate doctor URL --save-profile` and `migrate scan --target`.

Real behaviour comes from the real vLLM servers of the test rig; the scripted fault server only stands in for
what a real server will not do on demand (ignore `n`, fail every request, drop the connection).
"""

from __future__ import annotations

import json
import os

import openai
import pytest
from click.testing import CliRunner

from migrate.catalog.profile import (
    DEFAULT_PROFILE_PATH,
    DEFAULT_VALUE_CLASS,
    FAILED,
    NEEDS_FLAG,
    NOT_PROBED,
    REFUSED,
    load_profile,
)
from migrate.cli import main
from migrate.doctor.profile import Target, probe_configuration, probe_profile
from tests.parity.faults.server import FaultServer


@pytest.fixture(autouse=True)
def _no_user_target(monkeypatch):
    monkeypatch.delenv("MIGRATE_TARGET_PROFILE", raising=False)  # a user's override would change every verdict


APP = '''from openai import OpenAI

client = OpenAI()
answer = client.chat.completions.create(model="tiny-llama", messages=[{"role": "user", "content": "hi"}], n=2,
                                        temperature=0.2)
'''


def _scan(path, *args) -> dict:
    result = CliRunner().invoke(main, ["scan", str(path), "--format", "json", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "MIGRATE_TARGET_PROFILE" not in os.environ, "--target goes to the scan, not into the process's environment"
    return json.loads(result.output)


def _issue(report: dict, subject: str) -> dict | None:
    for f in report["findings"]:
        for issue in f["issues"]:
            if issue["subject"] == subject:
                return issue
    return None


# -- real vLLM ---------------------------------------------------------------------------------------------------
def test_probing_bare_vllm_records_what_it_refuses_in_its_own_words(vllm_bare_server):
    profile = probe_profile([Target(vllm_bare_server.base_url, "bare", flags=())], name="bare")
    suffix = profile.judge_parameter("completions.create", "suffix")
    assert suffix.outcome == REFUSED and suffix.status == 400 and "FIM" in suffix.message
    tools = profile.judge_parameter("chat.completions.create", "tool_choice")
    assert tools.outcome == NEEDS_FLAG and "--enable-auto-tool-choice" in tools.needs
    for endpoint, parameter in (("chat.completions.create", "n"), ("completions.create", "echo"),
                                ("chat.completions.create", "logprobs"), ("chat.completions.create", "max_tokens")):
        j = profile.judge_parameter(endpoint, parameter)
        assert j.outcome == "accepted" and "honours" in j.reason, (endpoint, parameter, j)
    embeddings = profile.judge_route("embeddings.create")  # a generative model: vLLM serves no embeddings route
    assert embeddings.outcome == REFUSED and embeddings.status == 404
    assert profile.observations("embeddings.create", "dimensions")[0].outcome == NOT_PROBED
    config = profile.configurations[0]
    assert config.server == "vllm" and config.version
    (model,) = config.models
    assert (model.name, model.kind, model.multimodal, model.tools) == ("tiny-llama", "generative", False, False)
    assert model.roles == {"system": True, "developer": True}


def test_budget_bounds_the_requests_per_endpoint(vllm_bare_server):
    client = openai.OpenAI(base_url=vllm_bare_server.base_url, api_key="EMPTY", max_retries=0, timeout=60)
    found, sent = probe_configuration("bare", client, chat_model="tiny-llama", embed_model=None, budget=4,
                                      sdk_params={"completions.create": ["echo", "n", "seed", "stop", "suffix", "top_p"]},
                                      endpoints=("completions.create",))
    probed = [p for p, obs in found["completions.create"].items() if p and obs[0].outcome != NOT_PROBED]
    spent = [p for p, obs in found["completions.create"].items() if obs[0].note and "budget of 4" in obs[0].note]
    assert len(probed) == 3 and len(spent) == 3  # the baseline takes one of the four
    assert sent == 4 + 2  # and the two route-only probes (models.list, moderations.create)


def test_shipped_profile_is_not_stale_against_the_installed_vllm(vllm_server, vllm_bare_server):
    """The version it was probed on is the installed one, and a cheap re-probe answers as recorded."""
    from tests.rig.profiles import installed_vllm_version, staleness

    shipped = load_profile(DEFAULT_PROFILE_PATH)
    assert installed_vllm_version(), "vLLM is not installed: this test needs the full test venv"
    assert staleness(shipped) == [], "run scripts/generate-catalog --probe"
    subset = {"completions.create": ["suffix", "echo", "n"], "chat.completions.create": ["tool_choice", "n", "logprobs"]}
    for name, server in (("bare", vllm_bare_server), ("main", vllm_server)):
        client = openai.OpenAI(base_url=server.base_url, api_key="EMPTY", max_retries=0, timeout=60)
        found, _ = probe_configuration(name, client, chat_model="tiny-llama", embed_model=None, sdk_params=subset,
                                       endpoints=tuple(subset))
        for endpoint, params in subset.items():
            for parameter in params:
                (now,) = [o for o in found[endpoint][parameter] if o.value_class == DEFAULT_VALUE_CLASS]
                (then,) = [o for o in shipped.observations(endpoint, parameter) if o.config == name and
                           o.value_class == DEFAULT_VALUE_CLASS]
                assert (now.outcome, now.status, now.effect) == (then.outcome, then.status, then.effect), \
                    f"{name} {endpoint} {parameter}: shipped {then}, now {now}: run scripts/generate-catalog --probe"


def test_save_profile_then_target_on_a_real_server(vllm_bare_server, tmp_path):
    out = tmp_path / "bare.json"
    result = CliRunner().invoke(main, ["doctor", vllm_bare_server.base_url, "--save-profile", str(out), "--budget", "40"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "completions.create suffix: refused" in result.output
    profile = load_profile(out)
    assert profile.budget == 40 and profile.configurations[0].name == "bare"
    app = tmp_path / "app"
    app.mkdir()
    (app / "fim.py").write_text('from openai import OpenAI\n\nOpenAI().completions.create(model="tiny-llama", '
                                'prompt="def f(", suffix="return 1", max_tokens=4)\n')
    judged = _scan(app, "--target", str(out))
    issue = _issue(judged, "suffix")
    assert issue["verdict"] == "unsupported" and issue["evidence_kind"] == "probed" and "FIM" in issue["reason"]
    assert judged["catalog"]["target"].startswith("bare (vLLM ")


# -- the scripted fault server -------------------------------------------------------------------------------------
def test_a_server_that_ignores_n_is_recorded_as_ignoring_it():
    with FaultServer() as server:  # answers every chat request with one choice, whatever was asked
        profile = probe_profile([server.base_url], name="fake", timeout_s=10)
    n = profile.judge_parameter("chat.completions.create", "n")
    assert n.outcome == "ignored" and "expected 2 choices" in n.reason
    temperature = profile.judge_parameter("chat.completions.create", "temperature")
    assert temperature.outcome == "accepted"
    assert profile.configurations[0].server != "vllm" and profile.configurations[0].version is None


def test_value_classes_are_probed_with_their_examples_within_the_budget():
    from migrate.catalog.values import VALUE_CLASSES

    with FaultServer() as server:  # accepts every request
        profile = probe_profile([server.base_url], name="fake", timeout_s=10)
        bodies = [h.body for h in server.hits() if h.path.endswith("/chat/completions") and h.body]
    chat = "chat.completions.create"
    assert any((b.get("response_format") or {}).get("type") == "json_schema" for b in bodies)
    schema = profile.observations(chat, "response_format", "response_format=json_schema")
    assert [o.outcome for o in schema] == ["accepted"] and '"json_schema"' in schema[0].value
    assert profile.judge_value_class(chat, "top_p=0").outcome == "accepted"
    # the parameter's own probe is judged apart from its classes
    assert [o.value_class for o in profile.observations(chat, "top_p")] == ["representative", "top_p=0"]
    probed = {k for ep in profile.endpoints for p in profile.endpoints[ep] for k in profile.value_classes(ep, p)}
    silent = {vc.key for vc in VALUE_CLASSES if not vc.probe_shows}
    assert "messages=image or audio content parts" in probed and "suffix=any text" in probed
    assert not probed & silent and "store=True" in silent and "prompt=more than 1024 prompts" not in probed
    assert not any(len(b.get("prompt") or "") > 1024 for h in server.hits() for b in [h.body or {}]
                   if isinstance(b.get("prompt"), list))


def test_value_class_probes_count_against_the_budget():
    with FaultServer() as server:
        profile = probe_profile([server.base_url], name="fake", timeout_s=10, budget=37)
        sent = sum(1 for h in server.hits() if h.path.endswith("/chat/completions"))
    chat = "chat.completions.create"
    classes = [o for p in profile.endpoints[chat].values() for o in p if o.value_class != "representative"]
    assert classes and classes[-1].outcome == NOT_PROBED and "budget of 37" in classes[-1].note
    assert profile.judge_value_class(chat, classes[-1].value_class) is None
    # 37 from the prober for chat, plus the model facts' own requests (chat check, roles, image)
    assert sent <= 37 + 4


@pytest.mark.parametrize(("script", "words"), [("500", "5xx"), ("reset", "connection failed")])
def test_a_failed_probe_is_recorded_not_guessed(script, words):
    with FaultServer(script=script) as server:
        profile = probe_profile([server.base_url], name="fake", timeout_s=5)
    (base,) = profile.observations("chat.completions.create")
    assert base.outcome == FAILED and words in (base.note or "")
    assert profile.judge_parameter("chat.completions.create", "n") is None
    assert {o.outcome for o in profile.observations("chat.completions.create", "n")} == {NOT_PROBED}


def test_save_profile_and_target_turn_ok_into_ignored(tmp_path):
    out = tmp_path / "fake.json"
    with FaultServer() as server:
        result = CliRunner().invoke(main, ["doctor", server.base_url, "--save-profile", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "chat.completions.create n: ignored" in result.output and f"--target {out}" in result.output
    app = tmp_path / "app"
    app.mkdir()
    (app / "bot.py").write_text(APP)
    default = _scan(app)
    assert _issue(default, "n") is None  # vLLM honours n: ok, so no issue
    judged = _scan(app, "--target", str(out))
    n = _issue(judged, "n")
    assert n["verdict"] == "ignored-by-vllm" and n["evidence_kind"] == "probed"
    assert n["evidence"].startswith("probe chat.completions.create n=2")


def _strict_target_and_app(tmp_path):
    """The shipped profile with `temperature` refused on chat (a deployment that fixes it), and an app using it."""
    profile = json.loads(DEFAULT_PROFILE_PATH.read_text())
    for obs in profile["endpoints"]["chat.completions.create"]["temperature"]:
        obs.update(outcome="refused", status=400, message="temperature is fixed on this deployment")
        obs.pop("effect", None)
    target = tmp_path / "strict.json"
    target.write_text(json.dumps(profile))
    app = tmp_path / "app"
    app.mkdir()
    (app / "bot.py").write_text(APP)
    return target, app


def test_target_with_a_refusal_shows_the_servers_message_in_every_format(tmp_path):
    target, app = _strict_target_and_app(tmp_path)
    judged = _scan(app, "--target", str(target))
    t = _issue(judged, "temperature")
    assert t["verdict"] == "unsupported" and "temperature is fixed on this deployment" in t["reason"]
    finding = next(f for f in judged["findings"] if f["endpoint"] == "chat.completions.create")
    assert finding["verdict"] == "unsupported" and finding["evidence_kind"] == "probed"
    sarif = CliRunner().invoke(main, ["scan", str(app), "--format", "sarif", "--target", str(target)])
    props = [r["properties"] for r in json.loads(sarif.output)["runs"][0]["results"] if r["properties"]["subject"] == "temperature"]
    assert props and props[0]["evidence_kind"] == "probed"
    md = CliRunner().invoke(main, ["scan", str(app), "--format", "markdown", "--target", str(target)]).output
    assert "| Evidence |" in md and "| probed |" in md and "Target profile: vllm-default" in md
    table = CliRunner().invoke(main, ["scan", str(app), "--target", str(target)]).output
    assert "EVIDENCE" in table and "probed" in table and "target profile: vllm-default" in table


def test_a_bad_target_fails_with_file_and_field(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": 1, "name": "x", "probed_at": "now", "probed_by": "me", "configurations": [],
                               "endpoints": {"chat.completions.create": {"n": [{"config": "a", "outcome": "sure"}]}}}))
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--target", str(bad)])
    assert result.exit_code == 2
    assert str(bad) in result.output and "endpoints.chat.completions.create.n[0].outcome" in result.output


def test_save_profile_on_an_unreachable_endpoint_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["doctor", "http://127.0.0.1:9/v1", "--save-profile", str(tmp_path / "p.json"),
                                       "--timeout", "3"])
    assert result.exit_code == 2 and "cannot reach" in result.output
    assert not (tmp_path / "p.json").exists()


def test_rewrite_target_notes_what_the_target_refuses(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    target, app = _strict_target_and_app(tmp_path)
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    env.pop("MIGRATE_TARGET_PROFILE", None)

    def rewrite(*extra):  # a fresh process: the rules cache the catalog they judge with
        proc = subprocess.run([sys.executable, "-m", "migrate", "rewrite", str(app), "--no-color", *extra],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    assert "# migrate: temperature=" not in rewrite()
    diff = rewrite("--target", str(target))
    assert "+# migrate: temperature= is refused by vLLM: remove `temperature`" in diff


def test_summary_lists_refused_value_classes_without_counting_them_as_parameters():
    from migrate.catalog.profile import profile_from_dict
    from migrate.doctor.profile import summarize

    chat = {"": [{"config": "t", "outcome": "accepted", "status": 200}],
            "response_format": [
                {"config": "t", "outcome": "accepted", "status": 200, "value": '{"type": "json_object"}'},
                {"config": "t", "outcome": "refused", "status": 500, "value_class": "response_format=json_schema",
                 "message": "Input should be 'text' or 'json_object'"}],
            "messages": [{"config": "t", "outcome": "refused", "status": 400, "value_class": "messages=file content parts",
                          "message": "Unsupported content part type: 'file'"}]}
    profile = profile_from_dict({"format": 1, "name": "t", "probed_at": "2026-11-30T12:00:00Z", "probed_by": "test",
                                 "configurations": [{"name": "t", "base_url": "http://x/v1"}],
                                 "endpoints": {"chat.completions.create": chat}})
    lines = summarize(profile)
    assert any(line.startswith("  chat.completions.create [response_format=json_schema]: refused: ") for line in lines)
    assert any("[messages=file content parts]: refused" in line and "'file'" in line for line in lines)
    assert lines[-1] == "parameters: 1 accepted"  # response_format; `messages` has class probes only


def test_plan_rewrite_takes_the_target_as_an_argument_not_from_the_environment(tmp_path, monkeypatch):
    """In one process, plans with and without `target=` differ: the profile reaches the rules with the plan's
    options, so neither a cache nor the process's environment carries one plan's target into the next."""
    from migrate.rewrite import plan_rewrite

    target, app = _strict_target_and_app(tmp_path)
    monkeypatch.delenv("MIGRATE_TARGET_PROFILE", raising=False)

    def notes(**kw) -> str:
        plan = plan_rewrite([str(app)], **kw)
        return "".join(c.after for c in plan.changes)

    assert "# migrate: temperature=" not in notes()
    assert "# migrate: temperature= is refused by vLLM: remove `temperature`" in notes(target=target)
    assert "# migrate: temperature=" not in notes()  # the next plan is back to the shipped profile
    assert "MIGRATE_TARGET_PROFILE" not in os.environ


def test_plan_rewrite_refuses_a_bad_target_before_reading_files(tmp_path):
    from migrate.catalog.profile import ProfileError
    from migrate.rewrite import plan_rewrite

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ProfileError, match="bad.json"):
        plan_rewrite([str(tmp_path)], target=bad)
