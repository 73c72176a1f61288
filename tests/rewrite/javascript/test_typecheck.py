"""Type-check proof: TypeScript the rewrite changed passes `tsc --noEmit --strict` against the real npm types of
openai, ai, @ai-sdk/openai and @langchain/openai (the npm corpus) exactly as the code did before: no new error.

tsc and @types/node come from scripts/fetch-npm-tools (run by scripts/setup-test-env). Fails, never skips, when
they or the corpus are missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from migrate.config import Config
from migrate.rewrite import apply_plan, plan_rewrite

REPO = Path(__file__).resolve().parents[3]
MODELS = {"gpt-4o": "tiny-llama", "gpt-4o-mini": "tiny-llama"}
FILES = {
    "tsconfig.json": """
        {"compilerOptions": {"strict": true, "noEmit": true, "target": "es2022", "module": "esnext",
         "moduleResolution": "bundler", "skipLibCheck": true, "types": ["node"], "baseUrl": ".",
         "paths": {"@/*": ["src/*"]}}, "include": ["src"]}
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
    "src/http.ts": """
        const OPENAI_API_BASE = "https://api.openai.com/v1";

        export async function chat(body: object): Promise<unknown> {
          const response = await fetch(`${OPENAI_API_BASE}/chat/completions`, { method: "POST", body: JSON.stringify(body) });
          return response.json();
        }
        """,
}


def _folder(script: str) -> Path:
    folder = subprocess.run(["bash", str(REPO / "scripts" / script), "path"], capture_output=True, text=True,
                            check=True, cwd=REPO).stdout.strip()
    return Path(folder) if Path(folder).is_absolute() else REPO / folder


@pytest.fixture
def project(tmp_path) -> Path:
    corpus, tools = _folder("fetch-npm-corpus") / "node_modules", _folder("fetch-npm-tools") / "node_modules"
    if not (corpus / "openai" / "package.json").is_file():
        pytest.fail(f"{corpus} is missing: run scripts/fetch-npm-corpus (scripts/setup-test-env does)")
    if not (tools / "typescript" / "bin" / "tsc").is_file() or shutil.which("node") is None:
        pytest.fail(f"{tools}/typescript or node is missing: run scripts/fetch-npm-tools (scripts/setup-test-env does)")
    root = tmp_path / "app"
    modules = root / "node_modules"
    modules.mkdir(parents=True)
    for entry in corpus.iterdir():  # the real packages with their dependencies, and Node's types
        if not entry.name.startswith("."):
            (modules / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    (modules / "@types").symlink_to(tools / "@types", target_is_directory=True)
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def _tsc(root: Path) -> subprocess.CompletedProcess:
    tsc = _folder("fetch-npm-tools") / "node_modules" / "typescript" / "bin" / "tsc"
    return subprocess.run(["node", str(tsc), "-p", "tsconfig.json"], cwd=root, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NODE_OPTIONS": "--max-old-space-size=2048"})


def test_rewritten_typescript_type_checks_against_the_real_packages(project):
    before = _tsc(project)
    assert before.returncode == 0, before.stdout[-3000:]  # the app type-checks as written

    plan = plan_rewrite([project / "src", project / "tsconfig.json"], config=Config(models=dict(MODELS)))
    changed = {c.path for c in plan.changes}
    assert changed == {"lib/openai.ts", "azure.ts", "assistant.ts", "ai.ts", "chain.ts", "http.ts"}, plan.diff()
    assert apply_plan(plan).refused == ()

    after = _tsc(project)
    assert after.returncode == 0, after.stdout[-3000:]
    azure = (project / "src" / "azure.ts").read_text()
    assert "AzureOpenAI" not in azure and "export function make(): OpenAI {" in azure
