"""The JS/TS files in a rewrite plan: next to Python files, test doubles reported, calls through a client
another module exports, untouched files."""

from __future__ import annotations

import textwrap
from pathlib import Path

from migrate.config import Config
from migrate.rewrite import apply_plan, plan_rewrite

MODELS = {"gpt-4o": "tiny-llama"}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def test_python_and_typescript_in_one_plan(tmp_path):
    root = write(tmp_path, {
        "api/app.py": 'from openai import OpenAI\n\nclient = OpenAI()\n',
        "web/lib/openai.ts": 'import OpenAI from "openai";\nexport const openai = new OpenAI();\n',
        "web/util.ts": 'export const add = (a: number, b: number) => a + b;\n',
    })
    plan = plan_rewrite([root], config=Config(models=dict(MODELS)))
    assert {c.path: c.rules for c in plan.changes} == {"api/app.py": ("OAI001",), "web/lib/openai.ts": ("OAI001",)}
    assert plan.rule_counts["OAI001"] >= 2
    result = apply_plan(plan)
    assert len(result.written) == 2 and result.refused == ()
    assert (root / "web/util.ts").read_text() == 'export const add = (a: number, b: number) => a + b;\n'
    again = plan_rewrite([root], config=Config(models=dict(MODELS)))
    assert again.changes == ()


def test_calls_through_a_client_another_module_exports(tmp_path):
    root = write(tmp_path, {
        "tsconfig.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}}',
        "src/lib/openai.ts": 'import OpenAI from "openai";\nexport const openai = new OpenAI();\n',
        "src/lib/index.ts": 'export * from "./openai";\n',
        "src/app/route.ts": """
            import { openai } from "@/lib";

            export async function POST() {
              const chat = await openai.chat.completions.create({ model: "gpt-4o", messages: [] });
              const image = await openai.images.generate({ model: "dall-e-3", prompt: "a cat" });
              return Response.json({ chat, image });
            }
            """,
    })
    plan = plan_rewrite([root], config=Config(models=dict(MODELS)))
    changes = {c.path: c for c in plan.changes}
    assert set(changes) == {"src/lib/openai.ts", "src/app/route.ts"}
    assert 'model: "tiny-llama"' in changes["src/app/route.ts"].after
    assert 'model: "dall-e-3"' in changes["src/app/route.ts"].after  # the image call keeps OpenAI's model
    items = [(r.path, r.line, r.rule) for r in plan.review if "images.generate" in r.message]
    assert items == [("src/app/route.ts", 6, "OAI001")]  # below its `// migrate:` comment


def test_test_doubles_are_reported_not_rewritten(tmp_path):
    files = {
        "src/__tests__/chat.test.ts": 'import OpenAI from "openai";\nconst c = new OpenAI();\n',
        "src/setup.ts": 'import nock from "nock";\nimport OpenAI from "openai";\nexport const c = new OpenAI();\n',
        "src/mockOpenAI.ts": 'import OpenAI from "openai";\nvi.mock("openai");\nexport const c = new OpenAI();\n',
    }
    root = write(tmp_path, files)
    plan = plan_rewrite([root], config=Config())
    assert plan.changes == ()
    reported = {r.path: r.message for r in plan.review}
    assert set(reported) == set(files)
    assert all("not rewritten" in m and "--include-tests" in m for m in reported.values())
    assert "mocks OpenAI or HTTP" in reported["src/mockOpenAI.ts"]
    with_tests = plan_rewrite([root], config=Config(), include_tests=True)
    assert {c.path for c in with_tests.changes} == set(files)


def test_a_file_that_does_not_parse_is_skipped_and_reported(tmp_path):
    root = write(tmp_path, {"bad.ts": 'import OpenAI from "openai";\nconst c = new OpenAI(;\n'})
    plan = plan_rewrite([root], config=Config())
    assert plan.changes == ()
    assert [(s.path, s.reason) for s in plan.skipped] == [("bad.ts", "syntax error")]
