"""Type-check proof: TypeScript the rewrite changed passes `tsc --noEmit --strict` against the real npm types of
openai, ai, @ai-sdk/openai and @langchain/openai (the npm corpus) exactly as the code did before: no new error.

tsc runs through benchmarks/typecheck_ts.py (before and after, `--noEmit` with the tree's strict tsconfig.json)
with Node.js, TypeScript, @types/node and the packages of the `node_env` fixture (scripts/fetch-npm-corpus
node-env, which scripts/setup-test-env runs). Fails, never skips, when they are missing."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from migrate.config import Config
from migrate.rewrite import apply_plan, plan_rewrite

MODELS = {"gpt-4o": "tiny-llama", "gpt-4o-mini": "tiny-llama"}
FILES = {
    # TypeScript 7 (the node-env tsc) removed `baseUrl` (TS5102) and wants relative `paths` targets (TS5090)
    "tsconfig.json": """
        {"compilerOptions": {"strict": true, "noEmit": true, "target": "es2022", "module": "esnext",
         "moduleResolution": "bundler", "skipLibCheck": true, "types": ["node"],
         "paths": {"@/*": ["./src/*"]}}, "include": ["src"]}
        """,
    "src/lib/openai.ts": """
        import OpenAI from "openai";

        export const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, maxRetries: 2 });
        export const CHAT_MODEL = process.env.CHAT_MODEL ?? "gpt-4o-mini";
        """,
    "src/route.ts": """
        import { openai, CHAT_MODEL } from "@/lib/openai";

        export async function ask(question: string): Promise<string | null> {
          const completion = await openai.chat.completions.create({
            model: CHAT_MODEL,
            messages: [{ role: "user", content: question }],
          });
          return completion.choices[0].message.content;
        }
        """,
    "src/azure.ts": """
        import { AzureOpenAI } from "openai";

        export function make(): AzureOpenAI {
          const client: AzureOpenAI = new AzureOpenAI({
            endpoint: process.env.AZURE_OPENAI_ENDPOINT,
            apiVersion: "2024-10-21",
            deployment: "gpt-4o",
          });
          return client;
        }
        """,
    "src/assistant.ts": """
        import OpenAI from "openai";

        export class Assistant {
          private client = new OpenAI();
          constructor(private readonly model = "gpt-4o") {}
          async answer(input: string): Promise<string> {
            const response = await this.client.responses.create({ model: this.model, input });
            return response.output_text;
          }
        }
        """,
    "src/ai.ts": """
        import { generateText } from "ai";
        import { openai } from "@ai-sdk/openai";

        export async function summarize(prompt: string): Promise<string> {
          const { text } = await generateText({ model: openai.chat("gpt-4o"), prompt });
          return text;
        }
        """,
    "src/chain.ts": """
        import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";

        export const model = new ChatOpenAI({ model: "gpt-4o-mini", temperature: 0 });
        export const embeddings = new OpenAIEmbeddings();
        """,
    "src/media.ts": """
        import OpenAI from "openai";

        const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, timeout: 20_000 });
        const painter = new OpenAI();

        export async function describeAndDraw(prompt: string): Promise<[string | null, string | undefined]> {
          const completion = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] });
          const check = await client.moderations.create({ input: prompt });
          const image = await painter.images.generate({ model: "dall-e-3", prompt });
          return [check.results[0].flagged ? null : completion.choices[0].message.content, image.data?.[0]?.url];
        }
        """,
    "src/http.ts": """
        const OPENAI_API_BASE = "https://api.openai.com/v1";

        export async function chat(body: object): Promise<unknown> {
          const response = await fetch(`${OPENAI_API_BASE}/chat/completions`, { method: "POST", body: JSON.stringify(body) });
          return response.json();
        }
        """,
}


@pytest.fixture
def project(tmp_path) -> Path:
    """The app as written (no node_modules: typecheck_ts links the node-env packages into each copy it checks)."""
    root = tmp_path / "app"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def test_rewritten_typescript_type_checks_against_the_real_packages(project, tmp_path, node_env, typecheck_ts):
    before = tmp_path / "before"
    shutil.copytree(project, before)  # the tree as written; the rewrite below writes into `project`

    plan = plan_rewrite([project / "src", project / "tsconfig.json"], config=Config(models=dict(MODELS)))
    changed = {c.path for c in plan.changes}
    assert changed == {"lib/openai.ts", "azure.ts", "assistant.ts", "ai.ts", "chain.ts", "http.ts", "media.ts"}, \
        plan.diff()
    assert apply_plan(plan).refused == ()

    # tsc (strict, via the tsconfig) over a copy of the tree before and a copy after, against the real packages
    changes = typecheck_ts.changed_files(before, project)
    assert {Path(rel).relative_to("src").as_posix() for rel in changes} == changed
    result = typecheck_ts.check_rewrite(before, changes, env=node_env, work_dir=tmp_path / "tsc")
    assert result.failures == [], result.failures
    assert "src/route.ts" in result.checked and len(result.checked) == len(FILES) - 1, result.checked
    assert result.errors_before == 0, result.to_dict()  # the app type-checks as written
    assert result.errors_after == 0 and result.new == [], [str(e) for e in result.new]
    media = (project / "src" / "media.ts").read_text()  # the moderation call split off, the painter pinned
    assert "await openaiClient.moderations.create(" in media and "await painter.images.generate(" in media
    assert media.count("process.env.OPENAI_UPSTREAM_BASE_URL") == 2
    azure = (project / "src" / "azure.ts").read_text()
    assert "AzureOpenAI" not in azure and "export function make(): OpenAI {" in azure


BROWSER_FILES = {
    # a browser bundle's project: the DOM's types, not Node's (`process` does not exist for tsc, nor at run time)
    "tsconfig.json": """
        {"compilerOptions": {"strict": true, "noEmit": true, "target": "es2022", "module": "esnext",
         "moduleResolution": "bundler", "skipLibCheck": true, "types": [], "lib": ["es2022", "dom"], "jsx": "preserve"},
         "include": ["src"]}
        """,
    "src/client.ts": """
        import OpenAI from "openai";

        const openai = new OpenAI({ apiKey: localStorage.getItem("openai-key") ?? "", dangerouslyAllowBrowser: true });

        export async function ask(question: string): Promise<string | null> {
          const completion = await openai.chat.completions.create({
            model: "gpt-4o",
            messages: [{ role: "user", content: question }],
          });
          return completion.choices[0].message.content;
        }
        """,
}


def test_rewritten_browser_typescript_type_checks_without_nodes_types(tmp_path, node_env, typecheck_ts):
    """A browser client gets no `process.env` read (TS2591 without @types/node, a ReferenceError in the bundle)."""
    project = tmp_path / "web"
    for rel, text in BROWSER_FILES.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    before = tmp_path / "before"
    shutil.copytree(project, before)
    plan = plan_rewrite([project / "src", project / "tsconfig.json"], config=Config(models=dict(MODELS)))
    assert {c.path for c in plan.changes} == {"client.ts"}, plan.diff()
    assert apply_plan(plan).refused == ()
    text = (project / "src" / "client.ts").read_text()
    code = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    assert "(globalThis as any).process?.env?.OPENAI_BASE_URL" in text and not any("process.env" in c for c in code)

    changes = typecheck_ts.changed_files(before, project)
    result = typecheck_ts.check_rewrite(before, changes, env=node_env, work_dir=tmp_path / "tsc")
    assert result.failures == [], result.failures
    assert result.errors_before == 0, result.to_dict()
    assert result.errors_after == 0 and result.new == [], [str(e) for e in result.new]
