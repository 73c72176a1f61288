"""Clients injected rather than built in the file: a TypeScript parameter, parameter property or field typed with
the SDK's client class is that class's client, built elsewhere (its endpoint unknown), as Python's `client: OpenAI`."""

from __future__ import annotations

import pytest

from tests.scan.javascript.conftest import calls, kinds

CREATE = 'chat.completions.create({ model: "gpt-4o", messages: [] })'

CASES = [
    pytest.param('import OpenAI from "openai";\n@Injectable()\nexport class ChatService {\n'
                 '  constructor(private readonly openai: OpenAI) {}\n'
                 f'  ask() {{ return this.openai.{CREATE}; }}\n}}',
                 "OpenAI", "parameter openai: OpenAI", id="nest-parameter-property"),
    pytest.param('import OpenAI from "openai";\nclass S {\n  constructor(client: OpenAI) { this.client = client; }\n'
                 f'  run() {{ return this.client.{CREATE}; }}\n}}',
                 "OpenAI", "parameter client: OpenAI", id="constructor-assigns-this"),
    pytest.param('import OpenAI from "openai";\nexport function summarize(client: OpenAI, text: string) {\n'
                 f'  return client.{CREATE};\n}}',
                 "OpenAI", "parameter client: OpenAI", id="function-parameter"),
    pytest.param(f'import OpenAI from "openai";\nexport const run = async (openai: OpenAI) => openai.{CREATE};',
                 "OpenAI", "parameter openai: OpenAI", id="arrow-parameter"),
    pytest.param(f'import {{ OpenAI as Client }} from "openai";\nfunction f(c: Client) {{ return c.{CREATE}; }}',
                 "OpenAI", "parameter c: Client", id="aliased-import"),
    pytest.param(f'import * as oai from "openai";\nfunction f(c: oai.OpenAI) {{ return c.{CREATE}; }}',
                 "OpenAI", "parameter c: oai.OpenAI", id="namespace-import"),
    pytest.param(f'import {{ AzureOpenAI }} from "openai";\nfunction f(c: AzureOpenAI) {{ return c.{CREATE}; }}',
                 "AzureOpenAI", "parameter c: AzureOpenAI", id="azure-client"),
    pytest.param(f'import type OpenAI from "openai";\nfunction f(c: OpenAI) {{ return c.{CREATE}; }}',
                 "OpenAI", "parameter c: OpenAI", id="type-only-default-import"),
    pytest.param(f'import {{ type AzureOpenAI as Az }} from "openai";\nfunction f(c: Az) {{ return c.{CREATE}; }}',
                 "AzureOpenAI", "parameter c: Az", id="type-only-specifier"),
    pytest.param(f'import OpenAI from "openai";\nfunction f(c?: OpenAI | undefined | null) {{ return c!.{CREATE}; }}',
                 "OpenAI", "parameter c: OpenAI", id="optional-nullable-union"),
    pytest.param(f'import OpenAI from "openai";\nclass S {{\n  constructor(@Inject(OPENAI) public ai: OpenAI) {{}}\n'
                 f'  go() {{ return this.ai.{CREATE}; }}\n}}',
                 "OpenAI", "parameter ai: OpenAI", id="decorated-parameter-property"),
    pytest.param(f'import OpenAI from "openai";\nclass S {{\n  @Inject() private ai!: OpenAI;\n'
                 f'  go() {{ return this.ai.{CREATE}; }}\n}}',
                 "OpenAI", "field ai: OpenAI", id="typed-field-injected"),
    pytest.param('const { OpenAI } = require("openai");\nclass S {\n  method(c: OpenAI) {\n'
                 f'    return c.{CREATE};\n  }}\n}}',
                 "OpenAI", "parameter c: OpenAI", id="commonjs-require-method"),
]


@pytest.mark.parametrize("source,cls,origin", CASES)
def test_injected_client_calls(scan_one, source, cls, origin):
    findings = scan_one(source)
    assert kinds(findings) == ["call"]  # a call; no client is built here
    (call,) = findings
    assert (call.endpoint, call.client, call.model) == ("chat.completions.create", cls, "gpt-4o")
    assert f"client {cls} from {origin} (line " in call.detail
    assert "endpoint:" not in call.detail  # built elsewhere: nothing here says where it points
    assert call.verdict.value == "needs-change" and any(i.subject == "model" for i in call.issues)


def test_injected_client_gets_the_usual_per_call_verdicts(scan_one):
    source = ('import OpenAI from "openai";\n'
              'export async function f(c: OpenAI) {\n'
              '  await c.chat.completions.create({ model: "gpt-4o", messages: [], logit_bias: {} });\n'
              '  await c.images.generate({ prompt: "cat" });\n'
              '}\n')
    chat, images = scan_one(source)
    assert chat.line == 3 and "logit_bias" in {i.subject for i in chat.issues}
    assert images.endpoint == "images.generate" and images.verdict.value == "unsupported"


def test_v3_api_parameter(scan_one):
    source = ('import { OpenAIApi } from "openai";\n'
              'export const ask = (api: OpenAIApi) => api.createChatCompletion({ model: "gpt-3.5-turbo", messages: [] });\n')
    assert calls(scan_one(source)) == [("chat.completions.create", "OpenAIApi", "gpt-3.5-turbo")]


def test_built_client_wins_over_the_field_type(scan_one):
    """`private ai: OpenAI` assigned in the constructor: the client built there (and its endpoint) is the field."""
    source = ('import OpenAI from "openai";\nclass S {\n  private ai: OpenAI;\n'
              '  constructor() { this.ai = new OpenAI({ baseURL: "https://api.groq.com/openai/v1" }); }\n'
              f'  go() {{ return this.ai.{CREATE}; }}\n}}\n')
    (call,) = [f for f in scan_one(source) if f.kind.value == "call"]
    assert "Groq" in call.detail and call.verdict.value == "ok"


NOT_FINDINGS = [
    pytest.param(f'import OpenAI from "groq-sdk";\nfunction f(c: OpenAI) {{ return c.{CREATE}; }}',
                 id="same-name-other-vendor"),
    pytest.param(f'import type {{ OpenAI }} from "some-other-lib";\nfunction f(c: OpenAI) {{ return c.{CREATE}; }}',
                 id="type-only-other-package"),
    pytest.param(f'function f(c: any) {{ return c.{CREATE}; }}', id="any"),
    pytest.param(f'function f(c: OpenAI) {{ return c.{CREATE}; }}', id="type-never-imported"),
    pytest.param(f'import OpenAI from "openai";\nimport Groq from "groq-sdk";\nfunction f(c: OpenAI | Groq) {{ return c.{CREATE}; }}',
                 id="union-not-settled"),
    pytest.param(f'import OpenAI from "openai";\nfunction f(cs: Array<OpenAI>) {{ return cs.{CREATE}; }}',
                 id="generic-of-client"),
    pytest.param(f'import type {{ ChatCompletion }} from "openai/resources";\nfunction f(c: ChatCompletion) {{ return c.{CREATE}; }}',
                 id="other-openai-type"),
    pytest.param('import type OpenAI from "openai";\nimport { type AzureOpenAI } from "openai";\n'
                 'export function f(c: OpenAI, a: AzureOpenAI) { return [c, a]; }', id="type-only-imports-alone"),
    pytest.param('import OpenAI from "openai";\nexport const f = (c: OpenAI) => c;',
                 id="typed-parameter-without-calls"),
]


@pytest.mark.parametrize("source", NOT_FINDINGS)
def test_not_findings(scan_one, source):
    assert scan_one(source) == []
