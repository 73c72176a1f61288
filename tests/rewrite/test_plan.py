"""plan_rewrite / apply_plan over real trees in tmp: safety properties, files around the code (notebooks: test_notebooks.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from migrate.config import ConfigError, load_config
from migrate.rewrite import Plan, apply_plan, plan_rewrite
from migrate.rewrite.registry import UnknownRuleError
from tests.rewrite.conftest import CONFIG, LEGACY, make_tree, snapshot


def test_plan_writes_nothing_apply_writes_and_second_run_is_a_noop(tmp_path):
    root = make_tree(tmp_path, {"app.py": LEGACY, "util.py": "import json\nprint(json.dumps({}))\n",
                                "requirements.txt": "openai==0.28.1\nrequests\n"})
    before = snapshot(root)
    plan = plan_rewrite([root], config=CONFIG)
    assert snapshot(root) == before, "planning must not write"
    assert [c.path for c in plan.changes] == ["app.py", "requirements.txt"]
    assert plan.changes[0].rules == ("OAI001", "OAI003", "OAI004", "OAI006")
    result = apply_plan(plan)
    assert sorted(Path(p).name for p in result.written) == ["app.py", "requirements.txt"] and not result.refused
    after = snapshot(root)
    assert after["util.py"] == before["util.py"]
    assert b"openai>=1.40" in after["requirements.txt"]
    compile(after["app.py"], "app.py", "exec")
    again = plan_rewrite([root], config=CONFIG)
    assert again.changes == (), again.diff()


def test_file_changed_after_planning_is_refused(tmp_path):
    root = make_tree(tmp_path, {"app.py": LEGACY})
    plan = plan_rewrite([root], config=CONFIG)
    (root / "app.py").write_text(LEGACY + "# edited meanwhile\n")
    result = apply_plan(plan)
    assert result.written == ()
    assert result.refused[0][0] == "app.py" and "changed on disk" in result.refused[0][1]
    assert (root / "app.py").read_text().endswith("# edited meanwhile\n")


def test_encoding_bom_and_crlf_are_kept(tmp_path):
    latin = "# -*- coding: latin-1 -*-\n# café\nfrom openai import OpenAI\nclient = OpenAI()\n"
    root = make_tree(tmp_path, {
        "latin.py": latin.encode("latin-1"),
        "bom.py": b"\xef\xbb\xbffrom openai import OpenAI\r\nclient = OpenAI()\r\n",
    })
    plan = plan_rewrite([root], config=CONFIG, select=["OAI001"])
    apply_plan(plan)
    latin_after = (root / "latin.py").read_bytes()
    assert "café".encode("latin-1") in latin_after and b"base_url=" in latin_after
    bom_after = (root / "bom.py").read_bytes()
    assert bom_after.startswith(b"\xef\xbb\xbf") and b"\r\n" in bom_after and b"\n" not in bom_after.replace(b"\r\n", b"")


def test_select_ignore_and_unknown_rules(tmp_path):
    root = make_tree(tmp_path, {"app.py": LEGACY})
    only_models = plan_rewrite([root], config=CONFIG, select=["OAI003"])
    assert only_models.changes[0].rules == ("OAI003",)
    assert "openai.ChatCompletion.create" in only_models.changes[0].after
    without = plan_rewrite([root], config=CONFIG, ignore=["OAI003", "OAI006"])
    assert '"gpt-3.5-turbo"' in without.changes[0].after and 'r["choices"]' in without.changes[0].after
    with pytest.raises(UnknownRuleError, match="OAI999"):
        plan_rewrite([root], config=CONFIG, select=["OAI999"])


def test_model_map_that_chains_is_refused(tmp_path):
    (tmp_path / "migrate.toml").write_text('[models]\n"gpt-4" = "gpt-4o"\n"gpt-4o" = "llama"\n')
    with pytest.raises(ConfigError, match="map each name once"):
        plan_rewrite([tmp_path], config=load_config(tmp_path / "migrate.toml"))


def test_bad_parameter_policy_names_the_field(tmp_path):
    (tmp_path / "migrate.toml").write_text('[rewrite.parameters]\nstore = "remove"\n')
    with pytest.raises(ConfigError, match=r"rewrite\.parameters\] store = 'remove'"):
        plan_rewrite([tmp_path], config=load_config(tmp_path / "migrate.toml"))


def test_unparsable_file_is_skipped_and_reported_while_the_rest_goes_on(tmp_path):
    root = make_tree(tmp_path, {"bad.py": "import openai\ndef f(:\n", "app.py": LEGACY})
    plan = plan_rewrite([root], config=CONFIG)
    assert [c.path for c in plan.changes] == ["app.py"]
    assert [(s.path, s.reason) for s in plan.skipped] == [("bad.py", "syntax error")]


def test_plan_json_round_trip_and_diff_applies_with_patch(tmp_path):
    root = make_tree(tmp_path / "tree", {"app.py": LEGACY, ".env": "OPENAI_API_BASE=https://api.openai.com/v1\n"})
    plan = plan_rewrite([root], config=CONFIG)
    data = json.loads(json.dumps(plan.to_dict()))
    assert Plan.from_dict(data) == plan
    assert "diff" in plan.to_dict(texts=False)["changes"][0]
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    if shutil.which("patch") is None:
        pytest.fail("the `patch` tool is needed to check that the diff applies")
    subprocess.run(["patch", "-p1", "-s"], cwd=copy, input=plan.diff().encode(), check=True)
    assert (copy / "app.py").read_text() == plan.changes[[c.path for c in plan.changes].index("app.py")].after










