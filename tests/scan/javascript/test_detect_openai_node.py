"""openai-node v4+: imports of every shape, clients, resource calls, and what is not a finding."""

from __future__ import annotations

import pytest

from tests.scan.javascript.conftest import calls, kinds

CASES = [
    pytest.param('import OpenAI from "openai";\nconst c = new OpenAI();\nc.chat.completions.create({ model: "gpt-4o", messages: [] });',
                 [("chat.completions.create", "OpenAI", "gpt-4o")], id="default-import"),
    pytest.param('import { OpenAI as Client } from "openai";\nconst c = new Client();\nc.embeddings.create({ model: "text-embedding-3-small", input: "x" });',
                 [("embeddings.create", "OpenAI", "text-embedding-3-small")], id="aliased-import"),
    pytest.param('import * as oai from "openai";\nconst c = new oai.OpenAI();\nc.images.generate({ prompt: "cat" });',
                 [("images.generate", "OpenAI", None)], id="namespace-import"),
    pytest.param('const OpenAI = require("openai");\nconst c = new OpenAI();\nc.moderations.create({ input: "x" });',
                 [("moderations.create", "OpenAI", None)], id="commonjs-require"),
    pytest.param('const { OpenAI } = require("openai");\nconst c = new OpenAI();\nc.responses.create({ model: "gpt-4.1", input: "hi" });',
                 [("responses.create", "OpenAI", "gpt-4.1")], id="commonjs-destructured"),
    pytest.param('import { AzureOpenAI } from "openai";\nconst c = new AzureOpenAI({ endpoint: e, apiVersion: "2024-10-21" });\nc.chat.completions.create({ model: "dep", messages: [] });',
                 [("chat.completions.create", "AzureOpenAI", "dep")], id="azure-client"),
    pytest.param('import OpenAI from "openai";\nconst c = new OpenAI();\nc.beta.chat.completions.parse({ model: "gpt-4o", messages: [], response_format: f });',
                 [("beta.chat.completions.parse", "OpenAI", "gpt-4o")], id="beta-parse"),
    pytest.param('import OpenAI from "openai";\nconst c = new OpenAI();\nc.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "f" });',
                 [("fine_tuning.jobs.create", "OpenAI", "gpt-4o-mini")], id="camel-case-resource"),
    pytest.param('import OpenAI from "openai";\nconst c = new OpenAI();\nc.audio.transcriptions.create({ model: "whisper-1", file: f });',
                 [("audio.transcriptions.create", "OpenAI", "whisper-1")], id="audio"),
    pytest.param('import OpenAI from "openai";\nconst c = new OpenAI();\nc.chat.completions.runTools({ model: "gpt-4o", messages: [], tools: [] });',
                 [("chat.completions.create", "OpenAI", "gpt-4o")], id="run-tools-helper"),
    pytest.param('import OpenAI from "openai";\nconst c = new OpenAI();\nc.chat.completions.stream({ model: "gpt-4o", messages: [] });',
                 [("chat.completions.stream", "OpenAI", "gpt-4o")], id="stream-helper"),
    pytest.param('import OpenAI from "openai";\nasync function f() {\n  const c = await Promise.resolve(new OpenAI());\n  return (await getC())?.chat.completions.create({ model: "x" });\n}\nconst c2 = new OpenAI();\nc2?.chat?.completions.create({ model: "gpt-4o" });',
                 [("chat.completions.create", "OpenAI", "gpt-4o")], id="optional-chaining"),
    pytest.param('import OpenAI from "openai";\nfunction make() { return new OpenAI(); }\nmake().chat.completions.create({ model: "gpt-4o" });',
                 [("chat.completions.create", "OpenAI", "gpt-4o")], id="factory-function"),
    pytest.param('import OpenAI from "openai";\nconst make = () => new OpenAI();\nasync function go() { const c = await make(); await c.embeddings.create({ model: "m", input: "x" }); }',
                 [("embeddings.create", "OpenAI", "m")], id="arrow-factory-await"),
    pytest.param('import OpenAI from "openai";\nclass S {\n  client = new OpenAI();\n  run() { return this.client.chat.completions.create({ model: "gpt-4o" }); }\n}',
                 [("chat.completions.create", "OpenAI", "gpt-4o")], id="this-client-field"),
    pytest.param('import OpenAI from "openai";\nclass S {\n  constructor() { this.ai = new OpenAI(); }\n  run() { return this.ai.responses.create({ model: "gpt-4o", input: "x" }); }\n}',
                 [("responses.create", "OpenAI", "gpt-4o")], id="this-client-constructor"),
    pytest.param('import OpenAI from "openai";\nfunction f() { return c.chat.completions.create({ model: "gpt-4o" }); }\nconst c = new OpenAI();',
                 [("chat.completions.create", "OpenAI", "gpt-4o")], id="declared-after-use"),
    pytest.param('const openai_1 = __importDefault(require("openai"));\nconst c = new openai_1.default();\nc.chat.completions.create({ model: "gpt-4o", messages: [] });',
                 [("chat.completions.create", "OpenAI", "gpt-4o")], id="tsc-commonjs-import-default"),
    pytest.param('const openai_1 = __importStar(require("openai"));\nconst c = new openai_1.OpenAI();\nc.embeddings.create({ model: "m", input: "x" });',
                 [("embeddings.create", "OpenAI", "m")], id="tsc-commonjs-import-star"),
    pytest.param('var import_openai = __toESM(require("openai"), 1);\nvar c = new import_openai.default();\nc.responses.create({ model: "gpt-4.1", input: "hi" });',
                 [("responses.create", "OpenAI", "gpt-4.1")], id="esbuild-commonjs-to-esm"),
    pytest.param('var _openai = _interopRequireDefault(require("openai"));\nconst c = new _openai.default();\nc.moderations.create({ input: "x" });',
                 [("moderations.create", "OpenAI", None)], id="babel-commonjs-interop"),
]


@pytest.mark.parametrize("source,expected", CASES)
def test_calls(scan_one, source, expected):
    assert calls(scan_one(source)) == expected


MODELS = [
    pytest.param('const MODEL = "gpt-4o-mini";\nc.chat.completions.create({ model: MODEL });', "gpt-4o-mini", "constant MODEL", id="constant"),
    pytest.param('c.chat.completions.create({ model: process.env.CHAT_MODEL ?? "gpt-4o" });', "gpt-4o", "default of process.env.CHAT_MODEL", id="env-with-default"),
    pytest.param('c.chat.completions.create({ model: process.env.CHAT_MODEL || "gpt-4o" });', "gpt-4o", "default of process.env.CHAT_MODEL", id="env-or-default"),
    pytest.param('c.chat.completions.create({ model: process.env.CHAT_MODEL });', "dynamic", "process.env.CHAT_MODEL", id="env-without-default"),
    pytest.param('const M = process.env.M ?? "gpt-4o";\nc.chat.completions.create({ model: M });', "gpt-4o", "default of process.env.M", id="env-default-in-constant"),
    pytest.param('function ask(model = "gpt-4o") { return c.chat.completions.create({ model }); }', "gpt-4o", "default of parameter model", id="parameter-default-shorthand"),
    pytest.param('c.chat.completions.create({ model: pick() });', "dynamic", "`pick()`", id="computed"),
]


@pytest.mark.parametrize("tail,model,origin", MODELS)
def test_model_values(scan_one, tail, model, origin):
    findings = [f for f in scan_one('import OpenAI from "openai";\nconst c = new OpenAI();\n' + tail) if f.kind.value == "call"]
    assert [(f.model, f.model_origin) for f in findings] == [(model, origin)]


def test_parameters_and_variant(scan_one):
    source = ('import OpenAI from "openai";\nconst c = new OpenAI();\n'
              'const r = await c.chat.completions.create({ model: "gpt-4o", messages: [], logit_bias: {}, ...extra }).withResponse();')
    (call,) = [f for f in scan_one(source) if f.kind.value == "call"]
    assert call.parameters == ("logit_bias", "messages", "model")
    assert call.parameters_dynamic is True
    assert call.variant == "withResponse"
    assert any(i.subject == "logit_bias" for i in call.issues)


NOT_FINDINGS = [
    pytest.param('import Groq from "groq-sdk";\nconst g = new Groq();\ng.chat.completions.create({ model: "llama3" });', id="groq-same-methods"),
    pytest.param('import Anthropic from "@anthropic-ai/sdk";\nconst a = new Anthropic();\na.messages.create({ model: "claude" });', id="anthropic"),
    pytest.param('import { OpenAI } from "some-other-lib";\nconst c = new OpenAI();\nc.chat.completions.create({ model: "x" });', id="openai-named-class-elsewhere"),
    pytest.param('import type { OpenAI } from "openai";\nlet c: OpenAI;\nc.chat.completions.create({ model: "x" });', id="type-only-import"),
    pytest.param('import { type OpenAI } from "openai";\nfunction f(c: OpenAI) { return 1; }', id="type-only-specifier"),
    pytest.param('// const c = new OpenAI(); c.chat.completions.create({ model: "gpt-4o" })\nconst x = 1;', id="comment"),
    pytest.param('const note = "we use OpenAI models like gpt-4o";\nconsole.log(note);', id="string-mentions-openai"),
    pytest.param('const client = makeClient();\nclient.chat.completions.create({ model: "x" });\n// openai', id="unknown-client"),
]


@pytest.mark.parametrize("source", NOT_FINDINGS)
def test_not_findings(scan_one, source):
    assert scan_one(source) == []


def test_client_options_and_role(scan_one):
    source = ('import OpenAI from "openai";\n'
              'const a = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY });\n'
              'const b = new OpenAI({ baseURL: "https://openrouter.ai/api/v1", apiKey: process.env.OPENROUTER_API_KEY });\n'
              'const d = new OpenAI({ dangerouslyAllowBrowser: true, defaultHeaders: { "X": "1" } });\n')
    clients = [f for f in scan_one(source) if f.kind.value == "client"]
    assert [f.parameters for f in clients] == [("apiKey", "baseURL"), ("apiKey", "baseURL"), ("dangerouslyAllowBrowser", "defaultHeaders")]
    assert "baseURL is set here" in clients[0].issues[0].reason
    assert clients[1].verdict.value == "ok" and "OpenRouter" in clients[1].detail
    subjects = {i.subject for i in clients[2].issues}
    assert {"client", "dangerouslyAllowBrowser"} <= subjects
    assert all(f.language == "typescript" for f in clients)


def test_calls_through_other_provider_are_ok(scan_one):
    source = ('import OpenAI from "openai";\n'
              'const g = new OpenAI({ baseURL: "https://api.groq.com/openai/v1" });\n'
              'g.chat.completions.create({ model: "llama3-70b" });\n')
    (call,) = [f for f in scan_one(source) if f.kind.value == "call"]
    assert call.verdict.value == "ok"


def test_byte_ranges_point_at_the_node(scan_one):
    source = 'import OpenAI from "openai";\nconst c = new OpenAI();\nc.chat.completions.create({ model: "gpt-4o" });\n'
    findings = scan_one(source)
    data = source.encode()
    texts = {f.kind.value: data[f.start_byte:f.end_byte].decode() for f in findings}
    assert texts == {"client": "new OpenAI()", "call": 'c.chat.completions.create({ model: "gpt-4o" })'}
    assert kinds(findings) == ["call", "client"]


def test_dynamic_import_with_options_and_type_wrappers(scan_tree):
    app = ('import { clients } from "./lib";\n'
           'const { default: OpenAI } = await import("openai");\n'
           'const a = new OpenAI();\n'
           'a.withOptions({ timeout: 5 }).chat.completions.create({ model: "m1" });\n'
           'const b = (new OpenAI() satisfies OpenAI)!;\n'
           '(<OpenAI>b).embeddings.create({ model: "m2", input: "x" });\n'
           'clients.client.chat.completions.create({ model: "m3" });\n')
    result = scan_tree({"app.ts": app, "lib/index.ts": 'export * as clients from "./c";\n',
                        "lib/c.ts": 'import OpenAI from "openai";\nexport const client = new OpenAI();\n'})
    assert calls([f for f in result.findings if f.path == "app.ts"]) == [
        ("chat.completions.create", "OpenAI", "m1"), ("embeddings.create", "OpenAI", "m2"),
        ("chat.completions.create", "OpenAI", "m3")]


def test_bundler_prefixes_are_no_providers(scan_one):
    """`import.meta.env.VITE_KEY` is a key read through Vite, not a provider called Vite (catalog:
    providers.FRAMEWORK_ENV_PREFIXES); a prefixed provider variable is still that provider's."""
    source = ('import OpenAI from "openai";\n'
              'const a = new OpenAI({ apiKey: import.meta.env.VITE_KEY, dangerouslyAllowBrowser: true });\n'
              'const b = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY });\n'
              'const c = new OpenAI({ apiKey: process.env.EXPO_PUBLIC_GROQ_API_KEY });\n')
    clients = [f for f in scan_one(source) if f.kind.value == "client"]
    assert [f.detail.split(":")[1].strip() for f in clients] == ["openai", "openai", "other-provider"], \
        [f.detail for f in clients]
    assert "Groq" in clients[2].detail and not any("Vite" in f.detail or "Next" in f.detail for f in clients)


def test_client_built_in_the_then_callback_of_a_dynamic_import(scan_one):
    """LlamaIndex's lazy session: the callback's parameter is the module, destructured or whole."""
    source = ('export const session = () => import("openai").then(({ OpenAI }) => {\n'
              '  const c = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });\n'
              '  return c.chat.completions.create({ model: "gpt-4o", messages: [] });\n'
              '});\n'
              'export const whole = () => import("openai").then(async function (mod) {\n'
              '  return new mod.default().embeddings.create({ model: "m", input: "x" });\n'
              '});\n'
              'export const other = () => import("groq-sdk").then(({ default: Groq }) => new Groq());\n')
    findings = scan_one(source, "lazy.js")
    assert calls(findings) == [("chat.completions.create", "OpenAI", "gpt-4o"), ("embeddings.create", "OpenAI", "m")]
    assert [f.line for f in findings if f.kind.value == "client"] == [2, 6]


def test_client_assigned_later_to_a_variable_declared_without_one(scan_one):
    """The lazy singleton: `let client;` (or `= null`) set once in an init function and called elsewhere. A
    variable assigned two different values stays unknown; a reset to null does not count."""
    source = ('import OpenAI from "openai";\n'
              'let client: OpenAI | null = null;\n'
              'let other;\n'
              'export function init() {\n'
              '  client = new OpenAI();\n'
              '  other = new OpenAI();\n'
              '}\n'
              'export function reset() { client = null; other = makeOther(); }\n'
              'export const chat = () => client!.chat.completions.create({ model: "gpt-4o", messages: [] });\n'
              'export const draw = () => other.images.generate({ prompt: "cat" });\n'
              'function scoped() { let client; client = 1; return client; }\n')
    assert calls(scan_one(source)) == [("chat.completions.create", "OpenAI", "gpt-4o")]
