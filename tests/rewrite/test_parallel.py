"""The pool gives the serial plan: same changes, review items, counts and skipped files, in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrate.config import Config
from migrate.rewrite import parallel, plan_rewrite

REPO = Path(__file__).resolve().parents[2]


def _plan(root: Path, jobs: int) -> dict:
    config = Config(models={"gpt-4o": "meta-llama/Llama-3.1-8B-Instruct", "gpt-4o-mini": "meta-llama/Llama-3.2-3B-Instruct"})
    data = plan_rewrite([root], config=config, jobs=jobs).to_dict()
    data.pop("duration_s", None)
    return data


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(REPO / "examples", root / "examples")
    (root / "broken.py").write_text("import openai\ndef broken(:\n    pass\n", encoding="utf-8")
    files = [p for p in root.rglob("*.py") if "openai" in p.read_text(encoding="utf-8", errors="replace").lower()]
    assert len(files) >= parallel.POOL_MIN_FILES  # or the pool would not start
    return root


@pytest.mark.parametrize("context", ["forkserver", "spawn"])
def test_pool_plan_equals_serial_plan(tree, monkeypatch, context):
    serial = _plan(tree, jobs=1)
    assert serial["changes"] and serial["review"] and serial["skipped"]
    started = []
    real_pool = parallel._pool

    def pool(jobs, ctx, work, shared):
        started.append(jobs)
        return real_pool(jobs, context, work, shared)

    monkeypatch.setattr(parallel, "_pool", pool)
    assert _plan(tree, jobs=2) == serial
    assert started == [2]


def test_results_come_back_in_input_order():
    items = ["x" * n for n in (5, 1, 9, 3, 7, 2, 8)]
    assert list(parallel.run(len, items, jobs=2, sizes=[len(i) for i in items], context="spawn")) == [5, 1, 9, 3, 7, 2, 8]


def test_few_files_or_one_job_run_here(monkeypatch):
    monkeypatch.setattr(parallel, "_pool", lambda *a: pytest.fail("no pool expected"))
    assert list(parallel.run(len, ["ab", "c"], jobs=4)) == [2, 1]
    assert list(parallel.run(len, ["a"] * 10, jobs=1)) == [1] * 10


def test_a_pool_started_before_the_items_are_known_gives_the_same_results():
    workers = parallel.Workers(len, (), 8, jobs=2, context="spawn")
    assert workers._starting is not None  # enough items announced: the pool starts in the background
    items = ["abc", "a", "abcdefg", "ab", "abcde", "abcd", "abcdef"]
    assert list(workers.run(items, sizes=[len(i) for i in items])) == [3, 1, 7, 2, 5, 4, 6]


def test_a_pool_announced_but_not_needed_is_stopped():
    workers = parallel.Workers(len, (), 8, jobs=2, context="spawn")
    assert list(workers.run([])) == []
    idle = parallel.Workers(len, (), 8, jobs=2, context="spawn")
    idle.close()
    assert idle._pool is None
    assert parallel.Workers(len, (), 3, jobs=2)._starting is None  # too few to pay: no pool


def test_the_pool_server_warm_up_rewrites_its_snippet():
    # the forkserver imports migrate.rewrite.warmup (PRELOAD), which must really run the rules, not fail silently
    from migrate.rewrite import warmup

    assert "migrate.rewrite.warmup" in parallel.PRELOAD
    result = warmup._warm()
    assert result.failure is None and result.parsed
    assert {"OAI001", "OAI004", "OAI005", "OAI006", "OAI007", "OAI008"} <= set(result.rules)  # most rules ran


def test_with_a_pool_the_planning_process_never_imports_libcst(tree):
    """The Python rules run in the workers; what the planning process does itself (the walk, the cross-module
    flow pass in `ast`, the results) must not import LibCST: its import is a quarter second on the critical path."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "if __name__ == '__main__':\n"
        "    from migrate.config import Config\n"
        "    from migrate.rewrite import plan_rewrite\n"
        "    plan = plan_rewrite([sys.argv[1]], config=Config(), jobs=2)\n"
        "    assert plan.changes\n"
        "    print(sorted(m for m in sys.modules if m == 'libcst' or m.startswith('libcst.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tree)], capture_output=True, text=True, cwd=REPO,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
