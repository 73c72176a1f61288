"""Type-check proof of the openai-node upgrade rules: every TypeScript case of test_oai004.py,
test_oai005.py, test_oai007.py and test_oai008.py, rewritten by its rules, passes `tsc --noEmit` against the real npm
`openai` types (the pinned test environment, benchmarks/node_env.py) with no new error on a changed line or on
a line that uses a changed value, except where the rewrite left a `// migrate:` note or a review item on it
(benchmarks/typecheck_ts.py maps lines through the diff). The v3 code had errors against those types before
(Configuration / OpenAIApi are gone): the upgrade must have removed them.
"""

from __future__ import annotations

from tests.rewrite.javascript import test_oai004, test_oai005, test_oai007, test_oai008
from tests.rewrite.javascript.upgrade_cases import run_js

TSCONFIG = ('{ "compilerOptions": { "target": "ES2022", "module": "ESNext", "moduleResolution": "bundler", '
            '"strict": true, "esModuleInterop": true, "types": ["node"] } }\n')

FUNCTIONS = 'export const FUNCTIONS = [{ name: "lookup", parameters: { type: "object", properties: {} } }];\n'


def _ts_cases():
    for module in (test_oai004, test_oai005, test_oai007, test_oai008):
        for param in module.CASES:
            c = param.values[0]
            if c.name.endswith(".ts"):
                yield c


def test_upgraded_typescript_type_checks_against_the_real_openai_types(tmp_path, node_env, typecheck_ts):
    root = tmp_path / "app"
    (root / "src").mkdir(parents=True)
    (root / "tsconfig.json").write_text(TSCONFIG)
    (root / "src" / "functions.ts").write_text(FUNCTIONS)  # what one case imports its function list from
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    changes: dict[str, str] = {}
    reviewed: dict[str, set[int]] = {}
    for c in _ts_cases():
        rel = f"src/{c.id}.ts"
        (root / rel).write_text(c.before)
        result = run_js(c.before, c.rules, scratch, c.name, c.options)
        assert result.failure is None, (c.id, result.failure)
        if result.after != c.before:
            changes[rel] = result.after
            reviewed[rel] = {line for _, line, _ in result.review}
    assert len(changes) >= 10
    check = typecheck_ts.check_rewrite(root, changes, env=node_env)
    assert not check.failures, check.failures
    unexplained = [e for e in check.new if not e.reviewed and e.line not in reviewed.get(e.path, set())]
    assert not unexplained, "\n".join(map(str, unexplained))
    # the upgrade fixes what v3 code gets wrong against the current types (missing exports, response.data)
    assert check.errors_after < check.errors_before
    assert check.vanished >= 10
