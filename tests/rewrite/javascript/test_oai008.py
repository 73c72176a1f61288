"""OAI008 for JS/TS: request fields vLLM ignores or rejects are dropped, kept or commented (the Python rule's
catalog verdicts and [tool.migrate.rewrite.parameters] setting)."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript.upgrade_cases import case, check_case

CASES = [
    case("OAI008", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask() {
          return client.chat.completions.create({
            model: "gpt-4o",
            messages: [],
            store: true, // keep a copy in the dashboard
            service_tier: "auto",
            metadata: { team: "search" },
            temperature: 0,
          });
        }
""", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask() {
          return client.chat.completions.create({
            model: "gpt-4o",
            messages: [],
            temperature: 0,
          });
        }
""", id="OAI008-ignored-parameters-dropped-with-their-comments", name="p_drop.ts", review=[
    ]),
    case("OAI008", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask(user: () => string, p: number) {
          const a = await client.chat.completions.create({ model: "m", messages: [], logit_bias: { "50256": -100 }, user: user() });
          const b = await client.chat.completions.create({
            model: "m",
            messages: [],
            top_p: 0,
          });
          const c = await client.chat.completions.create({ model: "m", messages: [], temperature: 0, n: 3 });
          const d = await client.chat.completions.create({ model: "m", messages: [], temperature: 0.7, n: 3, top_p: p });
          return [a, b, c, d];
        }
""", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask(user: () => string, p: number) {
          // migrate: logit_bias keys are OpenAI token ids and mean other tokens on the served model: recompute them with its tokenizer (vLLM POST /tokenize) or remove the bias
          // migrate: vLLM ignores user: it has no effect there
          const a = await client.chat.completions.create({ model: "m", messages: [], logit_bias: { "50256": -100 }, user: user() });
          const b = await client.chat.completions.create({
            model: "m",
            messages: [],
            // migrate: top_p fails on vLLM with this value: for greedy decoding use temperature=0 (and drop top_p), or a small positive top_p such as 0.01
            top_p: 0,
          });
          // migrate: temperature fails on vLLM with this value: use n=1 with temperature 0, or a small positive temperature (e.g. 0.01) when you need several choices
          const c = await client.chat.completions.create({ model: "m", messages: [], temperature: 0, n: 3 });
          const d = await client.chat.completions.create({ model: "m", messages: [], temperature: 0.7, n: 3, top_p: p });
          return [a, b, c, d];
        }
""", id="OAI008-logit-bias-side-effects-and-values-that-fail", name="p_notes.ts", review=[
        ('OAI008', 8, 'logit_bias keys are OpenAI token ids and mean other tokens o'),
        ('OAI008', 8, "user: vLLM's request model declares `user` but never reads i"),
        ('OAI008', 13, 'top_p: top_p=0: vLLM requires top_p in (0, 1] and refuses to'),
        ('OAI008', 16, 'temperature: temperature=0: vLLM treats temperature 0 as gre'),
        ('OAI008', 17, 'top_p: depends on the value (not known statically): `top_p` '),
    ]),
    case("OAI008", """\
        import OpenAI from "openai";

        const groq = new OpenAI({ baseURL: "https://api.groq.com/openai/v1", apiKey: process.env.GROQ_API_KEY });

        export async function ask() {
          return groq.chat.completions.create({ model: "llama3", messages: [], store: true, user: "u" });
        }
""", id="OAI008-another-providers-client-untouched", name="p_foreign.ts", review=[
    ]),
    case("OAI008", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask(who: () => string) {
          return client.chat.completions.create({ model: "m", messages: [], store: true, user: who(), metadata: { a: "b" } });
        }
""", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask(who: () => string) {
          // migrate: vLLM ignores metadata: it has no effect there
          return client.chat.completions.create({ model: "m", messages: [], store: true, metadata: { a: "b" } });
        }
""", id="OAI008-configured-actions", name="p_policy.ts", options={'parameters': {'store': 'keep', 'user': 'drop', 'metadata': 'comment'}}, review=[
        ('OAI008', 7, "metadata: metadata only tags stored completions in OpenAI's "),
    ]),
    case("OAI008", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function draw(prompt: string) {
          const fields = {
            model: "dall-e-3",
            prompt,
            n: 1,
            user: "u",
          };
          return client.images.generate(fields);
        }
""", id="OAI008-endpoint-vllm-does-not-serve-left-alone", name="p_unserved.ts", review=[
        ('OAI008', 12, 'images.generate: vLLM 0.32.0 serves no POST /v1/images/gener'),
    ]),
    case("OAI008", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask() {
          return client.chat.completions.create({
            model: "m",
            messages: [],
            store: true,
            metadata: { a: "b" }
          });
        }
""", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask() {
          return client.chat.completions.create({
            model: "m",
            messages: [],
          });
        }
""", id="OAI008-last-properties-dropped-together", name="p_last.ts", review=[
    ]),
    case("OAI008", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask() {
          const a = await client.chat.completions.create({
            model: "m",
            messages: [],
            logit_bias: { "50256": -100 },
            temperature: 0,
          });
          const b = await client.completions.create({ model: "m", prompt: "hi", logit_bias: { "50256": -100 } });
          return [a, b];
        }
""", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export async function ask() {
          // migrate: logit_bias keys are OpenAI token ids and mean other tokens on the served model: recompute them with its tokenizer (vLLM POST /tokenize) or remove the bias
          const a = await client.chat.completions.create({
            model: "m",
            messages: [],
            temperature: 0,
          });
          // migrate: logit_bias keys are OpenAI token ids and mean other tokens on the served model: recompute them with its tokenizer (vLLM POST /tokenize) or remove the bias
          const b = await client.completions.create({ model: "m", prompt: "hi" });
          return [a, b];
        }
""", id="OAI008-logit-bias-dropped-never-silently", name="p_bias_drop.ts", options={'parameters': {'logit_bias': 'drop'}},
        review=[
        ('OAI008', 7, 'logit_bias keys are OpenAI token ids and mean other tokens o'),
        ('OAI008', 13, 'logit_bias keys are OpenAI token ids and mean other tokens o'),
    ]),
    case("OAI008", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export const ask = () => client.chat.completions.create({
          model: "m",
          messages: [],
          logit_bias: { "50256": -100 },
        });
""", """\
        import OpenAI from "openai";

        const client = new OpenAI();

        export const ask = () => client.chat.completions.create({
          model: "m",
          messages: [],
          // migrate: logit_bias keys are OpenAI token ids and mean other tokens on the served model: recompute them with its tokenizer (vLLM POST /tokenize) or remove the bias
          logit_bias: { "50256": -100 },
        });
""", id="OAI008-logit-bias-kept-with-its-note", name="p_bias_keep.ts", options={'parameters': {'logit_bias': 'keep'}},
        review=[
        ('OAI008', 9, 'logit_bias keys are OpenAI token ids and mean other tokens o'),
    ]),
    case("OAI004,OAI005,OAI007,OAI008", """\
        const { Configuration, OpenAIApi } = require("openai");

        const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));

        async function ask(prompt) {
          const res = await openai.createChatCompletion({
            model: "gpt-4o",
            messages: [{ role: "user", content: prompt }],
            user: "u-1",
          });
          return res.data.choices[0].message.content;
        }

        module.exports = { ask };
""", """\
        const { OpenAI } = require("openai");

        const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

        async function ask(prompt) {
          const res = await openai.chat.completions.create({
            model: "gpt-4o",
            messages: [{ role: "user", content: prompt }],
          });
          return res.choices[0].message.content;
        }

        module.exports = { ask };
""", id="OAI008-v3-call-before-its-upgrade", name="p_v3.js", review=[
    ]),
]


@pytest.mark.parametrize("c", CASES)
def test_case(c, tmp_path):
    check_case(c, tmp_path)


def test_literal_values_are_the_scans_json_form(tmp_path):
    """The values judged are the JSON the scan records: numbers, strings, nested literals, dynamic markers."""
    from migrate.rewrite.javascript.module import JsModule
    from migrate.rewrite.javascript.upgrade.parameters import js_literal
    from migrate.scan.detect.javascript.parse import parse

    source = b'const x = { a: 0, b: -1.5, c: "s", d: [true, null], e: { f: g }, h: call() };'
    tree, src, grammar = parse("x.ts", source)
    module = JsModule(src, "x.ts", str(tmp_path / "x.ts"), "x.ts", grammar, tree)
    obj = next(module.walk(("object",)))
    assert js_literal(module, obj) == {"a": 0, "b": -1.5, "c": "s", "d": [True, None], "e": {"f": {"$dynamic": "g"}},
                                       "h": {"$dynamic": "call()"}}
