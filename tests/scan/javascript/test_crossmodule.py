"""A client (or model constant) exported by one module and used from others: the most common Next.js shape."""

from __future__ import annotations

import pytest

from tests.scan.javascript.conftest import calls

CLIENT = 'import OpenAI from "openai";\nexport const openai = new OpenAI();\nexport const MODEL = process.env.M ?? "gpt-4o-mini";\n'

TREES = [
    pytest.param({"lib/openai.ts": CLIENT,
                  "app/route.ts": 'import { openai } from "../lib/openai";\nopenai.chat.completions.create({ model: "gpt-4o" });'},
                 "app/route.ts", [("chat.completions.create", "OpenAI", "gpt-4o")], id="relative-no-extension"),
    pytest.param({"lib/openai.ts": CLIENT,
                  "app/route.ts": 'import { openai } from "../lib/openai.js";\nopenai.embeddings.create({ model: "m", input: "x" });'},
                 "app/route.ts", [("embeddings.create", "OpenAI", "m")], id="esm-js-specifier-for-ts-source"),
    pytest.param({"src/lib/openai.ts": CLIENT, "tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } // alias\n}',
                  "src/app/api/chat/route.ts": 'import { openai as ai, MODEL } from "@/lib/openai";\nai.chat.completions.create({ model: MODEL });'},
                 "src/app/api/chat/route.ts", [("chat.completions.create", "OpenAI", "gpt-4o-mini")], id="tsconfig-paths-alias"),
    pytest.param({"lib/openai.ts": CLIENT, "lib/index.ts": 'export * from "./openai";\n',
                  "app.ts": 'import { openai } from "./lib";\nopenai.responses.create({ model: "gpt-4.1", input: "x" });'},
                 "app.ts", [("responses.create", "OpenAI", "gpt-4.1")], id="index-star-reexport"),
    pytest.param({"lib/openai.ts": CLIENT, "lib/index.ts": 'export { openai as client } from "./openai";\n',
                  "app.ts": 'import { client } from "./lib/index";\nclient.chat.completions.create({ n: 2 });'},
                 "app.ts", [("chat.completions.create", "OpenAI", None)], id="named-reexport-with-alias"),
    pytest.param({"lib/client.js": 'const OpenAI = require("openai");\nmodule.exports = { client: new OpenAI() };\n',
                  "app.js": 'const { client } = require("./lib/client");\nclient.chat.completions.create({ model: "gpt-4o" });'},
                 "app.js", [("chat.completions.create", "OpenAI", "gpt-4o")], id="commonjs-module-exports"),
    pytest.param({"lib/factory.ts": 'import OpenAI from "openai";\nexport function getClient() { return new OpenAI(); }\n',
                  "app.ts": 'import { getClient } from "./lib/factory";\nawait getClient().chat.completions.create({ model: "gpt-4o" });'},
                 "app.ts", [("chat.completions.create", "OpenAI", "gpt-4o")], id="exported-factory"),
    pytest.param({"lib/openai.ts": 'import OpenAI from "openai";\nconst client = new OpenAI();\nexport default client;\n',
                  "app.ts": 'import ai from "./lib/openai";\nai.moderations.create({ input: "x" });'},
                 "app.ts", [("moderations.create", "OpenAI", None)], id="default-export"),
    pytest.param({"lib/ai.ts": 'import { openai } from "@ai-sdk/openai";\nexport const chatModel = openai.chat("gpt-4o");\n',
                  "app.ts": 'import { generateText } from "ai";\nimport { chatModel } from "./lib/ai";\ngenerateText({ model: chatModel, prompt: "x", temperature: 0 });'},
                 "app.ts", [("chat.completions.create", "openai", "gpt-4o")], id="ai-sdk-model-from-module"),
    pytest.param({"lib/client.js": 'import OpenAI from "openai";\nexport let client;\nexport function init() { client = new OpenAI(); }\n',
                  "app.js": 'import { client, init } from "./lib/client.js";\ninit();\nclient.chat.completions.create({ model: "gpt-4o" });'},
                 "app.js", [("chat.completions.create", "OpenAI", "gpt-4o")], id="exported-lazily-assigned-client"),
]


@pytest.mark.parametrize("files,path,expected", TREES)
def test_cross_module(scan_tree, files, path, expected):
    findings = [f for f in scan_tree(files).findings if f.path == path]
    assert calls(findings) == expected


NOT_CLIENTS = [
    pytest.param({"lib/groq.ts": 'import Groq from "groq-sdk";\nexport const groq = new Groq();\n',
                  "app.ts": 'import { groq } from "./lib/groq";\ngroq.chat.completions.create({ model: "llama3" });'}, id="other-vendor-client"),
    pytest.param({"app.ts": 'import { openai } from "./missing";\nopenai.chat.completions.create({ model: "x" });'}, id="module-not-in-tree"),
    pytest.param({"app.ts": 'import { client } from "@company/llm";\nclient.chat.completions.create({ model: "x" });'}, id="npm-package"),
]


@pytest.mark.parametrize("files", NOT_CLIENTS)
def test_not_clients(scan_tree, files):
    assert [f for f in scan_tree(files).findings if f.kind.value == "call"] == []


def test_settled_call_keeps_its_own_location_and_bytes(scan_tree):
    source = 'import { openai } from "./lib/openai";\n\nopenai.chat.completions.create({ model: "gpt-4o", logit_bias: {} });\n'
    result = scan_tree({"lib/openai.ts": CLIENT, "app.ts": source})
    (call,) = [f for f in result.findings if f.kind.value == "call"]
    assert (call.path, call.line, call.language) == ("app.ts", 3, "typescript")
    assert source.encode()[call.start_byte:call.end_byte].decode().startswith("openai.chat.completions.create(")
    assert {i.subject for i in call.issues} >= {"logit_bias", "model"}


def test_worker_pool_gives_the_same_findings(scan_tree, tmp_path):
    """Enough files to start the fork pool: deferred JS uses travel back from the workers and settle the same."""
    files = {"lib/openai.ts": CLIENT}
    for i in range(60):
        files[f"routes/r{i}.ts"] = (f'import {{ openai, MODEL }} from "../lib/openai";\n'
                                    f'export const r{i} = () => openai.chat.completions.create({{ model: MODEL, n: {i} }});\n')
    from migrate.scan import scan

    root = tmp_path / "repo"
    scan_tree(files)  # writes the tree
    pooled = scan([root], jobs=2)
    single = scan([root], jobs=1)
    assert pooled.findings == single.findings
    assert len([f for f in pooled.findings if f.kind.value == "call" and f.model == "gpt-4o-mini"]) == 60


BASE = ('import OpenAI from "openai";\nexport class BaseChat {\n  getClient() {\n'
        '    if (!this.client) { this.client = new OpenAI({ maxRetries: 0 }); }\n    return this.client;\n  }\n}\n')


@pytest.mark.parametrize("files,path", [
    pytest.param({"base.ts": BASE, "chat.ts": 'import { BaseChat } from "./base";\nexport class Chat extends BaseChat {\n'
                  '  run() { return this.client.chat.completions.create({ model: "gpt-4o", messages: [] }); }\n}\n'},
                 "chat.ts", id="base-class-in-another-module"),
    pytest.param({"chat.js": BASE.replace("export class", "class") + 'var Chat = class extends BaseChat {\n'
                  '  run() { return this.client.chat.completions.create({ model: "gpt-4o", messages: [] }); }\n};\n'},
                 "chat.js", id="base-class-in-the-same-module"),
])
def test_this_client_set_by_a_base_class(scan_tree, files, path):
    result = scan_tree(files)
    assert calls([f for f in result.findings if f.path == path]) == [("chat.completions.create", "OpenAI", "gpt-4o")]
