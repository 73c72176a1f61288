"""OAI011 requirement-pins: the openai pin is raised only when the 0.x upgrade ran."""

from __future__ import annotations

import pytest

from migrate.rewrite import plan_rewrite
from tests.rewrite.conftest import CONFIG, LEGACY, make_tree


@pytest.mark.parametrize("name,before,after", [
    ("requirements.txt", "openai==0.28.1 ; python_version >= '3.8'  # pinned\n", "openai>=1.40 ; python_version >= '3.8'  # pinned\n"),
    ("requirements-dev.in", "OpenAI[datalib]<1\n", "OpenAI[datalib]>=1.40\n"),
    ("requirements.txt", "openai>=1.3\n", None),
    ("requirements.txt", "openai-whisper==20231117\n", None),
    ("pyproject.toml", '[project]\ndependencies = ["openai~=0.27", "httpx"]\n', '[project]\ndependencies = ["openai>=1.40", "httpx"]\n'),
    ("pyproject.toml", '[tool.poetry.dependencies]\nopenai = "^0.28"\n', '[tool.poetry.dependencies]\nopenai = ">=1.40"\n'),
    ("Pipfile", '[packages]\nopenai = {version = "==0.28.1", extras = ["datalib"]}\n', '[packages]\nopenai = {version = ">=1.40", extras = ["datalib"]}\n'),
    ("setup.py", 'from setuptools import setup\nsetup(install_requires=["openai<=0.28.1"])\n', 'from setuptools import setup\nsetup(install_requires=["openai>=1.40"])\n'),
], ids=["requirements-marker-comment", "extras-upper-bound", "already-v1", "other-package", "pep621", "poetry-caret", "pipfile-table", "setup-py"])
def test_requirement_pins_raised_when_the_legacy_upgrade_runs(tmp_path, name, before, after):
    root = make_tree(tmp_path, {"app.py": LEGACY, name: before})
    plan = plan_rewrite([root], config=CONFIG)
    changed = {c.path: c.after for c in plan.changes}
    assert changed.get(name) == after


def test_pins_untouched_without_legacy_code(tmp_path):
    root = make_tree(tmp_path, {"app.py": "from openai import OpenAI\nclient = OpenAI()\n", "requirements.txt": "openai==0.28.1\n"})
    plan = plan_rewrite([root], config=CONFIG)
    assert [c.path for c in plan.changes] == ["app.py"]

