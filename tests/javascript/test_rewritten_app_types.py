"""The type-check proof of the JS/TS rewrite on examples/node_app: `migrate rewrite --write` over a copy, then
tsc --noEmit before and after against the real npm `openai`, AI SDK and LangChain.js types
(benchmarks/typecheck_ts.py): no new error on a changed line or on a line that uses a changed value."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.javascript import node_app


def test_the_rewritten_example_app_type_checks(tmp_path, node_env, typecheck_ts):
    before = node_app.copy_app(tmp_path / "before", node_env.node_modules)
    node_app.write_proof_config(before, "http://localhost:8000/v1", "tiny-llama")
    after = tmp_path / "after"
    shutil.copytree(before, after, symlinks=True)
    done = subprocess.run([sys.executable, "-m", "migrate", "rewrite", ".", "--write"], cwd=after, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    changes = typecheck_ts.changed_files(before, after)
    # the TypeScript the rewrite changed (the .vue component and the JS files are not given to tsc)
    assert {"src/lib/openai.ts", "src/services/assistant.ts", "src/app/api/ai/route.ts",
            "src/chains/summarize.ts"} <= set(changes)
    result = typecheck_ts.check_rewrite(before, changes, env=node_env)
    assert result.failures == []
    assert "src/app/api/chat/route.ts" in result.checked  # the routes that import the rewritten client are checked
    assert result.new == [], "\n".join(map(str, result.new))
