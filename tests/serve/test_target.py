"""`migrate serve --target PROFILE`: the plan warns about the calls the profiled target refuses or ignores.

The profile here is data in the format `migrate doctor --save-profile` writes (the real llama.cpp server's
is exercised in tests/server/test_llamacpp_profile.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrate.catalog.profile import ProfileError, profile_from_dict
from migrate.cli import main
from migrate.scan.findings import Finding, Kind
from migrate.serve.target import target_warnings


def _obs(outcome, status=200, **kw):
    return [{"config": "box", "outcome": outcome, "status": status, **kw}]


PROFILE = {
    "format": 1, "kind": "migrate-kit target profile", "name": "box", "probed_at": "2026-11-30T15:51:20Z",
    "probed_by": "test", "budget": 48,
    "configurations": [{"name": "box", "base_url": "http://127.0.0.1:1/v1", "server": "llama.cpp", "version": None,
                        "flags": None, "env": None, "requests": 5, "description": "",
                        "models": [{"name": "tiny-llama", "kind": "generative", "roles": {"system": True}}]}],
    "endpoints": {
        "chat.completions.create": {
            "": _obs("accepted"),
            "n": _obs("ignored", value="2", effect="unchanged", observed="expected 2 choices; the answer looked "
                      "like the baseline"),
            "seed": _obs("accepted", value="7", effect="not-observable"),
            "logit_bias": _obs("refused", status=400, value='{"1": -100}', message="logit_bias is not supported"),
        },
        "responses.create": {"": _obs("refused", status=404, message="Not Found")},
    },
}


def call(endpoint, params, line):
    return Finding(Kind.CALL, "app.py", line, 0, line, 10, "openai", endpoint=endpoint, model="tiny-llama",
                   parameters=tuple(params))


def test_warnings_name_what_the_target_refuses_and_ignores_with_the_call_sites():
    profile = profile_from_dict(PROFILE)
    findings = [call("chat.completions.create", ("messages", "model", "n", "seed"), 3),
                call("chat.completions.create", ("messages", "model", "n", "logit_bias"), 9),
                call("responses.create", ("input", "model", "n"), 12)]
    lines = target_warnings(findings, profile)
    assert lines == [
        "target box ignores `n` on chat.completions.create at app.py:3, app.py:9: llama.cpp accepts `n` but it had "
        "no effect (expected 2 choices; the answer looked like the baseline); fix: remove `n`, or accept that it "
        "has no effect on this server",
        "target box refuses `logit_bias` on chat.completions.create at app.py:9: llama.cpp refused `logit_bias` "
        "with HTTP 400: \"logit_bias is not supported\"; fix: remove `logit_bias` (or serve a model or "
        "configuration that takes it)",
        lines[2],
    ]
    assert lines[2].startswith("target box refuses responses.create at app.py:12: llama.cpp answered HTTP 404")


def test_no_warning_for_what_the_target_takes():
    profile = profile_from_dict(PROFILE)
    assert target_warnings([call("chat.completions.create", ("messages", "model", "seed"), 1)], profile) == []


@pytest.fixture
def app(tmp_path):
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\nclient = OpenAI(base_url='http://127.0.0.1:8000/v1', api_key='x')\n"
        "client.chat.completions.create(model='tiny-llama', messages=[], n=2)\n")
    profile = tmp_path / "box.json"
    profile.write_text(json.dumps(PROFILE))
    return tmp_path


MODEL = Path(__file__).parent / "cases" / "tools_llama" / "models" / "Llama-3.1-8B-Instruct"


def test_serve_cli_plan_carries_the_target_warnings(app, monkeypatch):
    monkeypatch.delenv("MIGRATE_TARGET_PROFILE", raising=False)  # a user's override would change every verdict
    # --device cuda: the plan for a GPU host whatever this one is (as tests/serve/test_golden.py)
    args = ["serve", "--for", str(app / "app.py"), "--model", str(MODEL), "--device", "cuda", "--dry-run",
            "--format", "json"]
    result = CliRunner().invoke(main, [*args, "--target", str(app / "box.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (warning,) = [w for w in json.loads(result.output)["warnings"] if w.startswith("target box")]
    assert warning.startswith("target box ignores `n` on chat.completions.create at app.py:4: llama.cpp accepts `n`")
    without = CliRunner().invoke(main, args, catch_exceptions=False)
    assert not any(w.startswith("target ") for w in json.loads(without.output)["warnings"])


def test_serve_cli_names_a_bad_profile(app, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**PROFILE, "configurations": "nope"}))
    result = CliRunner().invoke(main, ["serve", "--for", str(app / "app.py"), "--model", "x", "--dry-run",
                                       "--target", str(bad)])
    assert result.exit_code == 1 and str(bad) in result.output and "configurations" in result.output, result.output
    with pytest.raises(ProfileError):
        profile_from_dict({**PROFILE, "configurations": "nope"}, str(bad))
