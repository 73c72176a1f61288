"""OAI004 for JS/TS: openai-node v3 (Configuration / OpenAIApi) becomes the current SDK (its error reads: test_oai005.py)."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript.upgrade_cases import case, check_case

CASES = [
    case("OAI004,OAI005", """\
        const openaiLib = require("openai");

        const openai = new openaiLib.OpenAIApi(new openaiLib.Configuration({ apiKey: process.env.KEY, baseOptions: { headers: { "X-Team": "a" } } }));

        async function embed(text) {
          const res = await openai.createEmbedding({ model: "text-embedding-3-small", input: text });
          return res.data.data[0].embedding;
        }

        module.exports = { embed };
""", """\
        const openaiLib = require("openai");

        const openai = new openaiLib.OpenAI({ apiKey: process.env.KEY, defaultHeaders: { "X-Team": "a" } });

        async function embed(text) {
          const res = await openai.embeddings.create({ model: "text-embedding-3-small", input: text });
          return res.data[0].embedding;
        }

        module.exports = { embed };
""", id="OAI004-cjs-namespace-inline-configuration-base-options", name="cjs_inline.js", review=[
    ]),
    case("OAI004,OAI005", """\
        import { Configuration, OpenAIApi } from "openai";
        import fs from "fs";

        const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));

        export async function transcribe(path: string, audio: Buffer) {
          const a = await openai.createTranscription(fs.createReadStream(path) as any, "whisper-1", undefined, "text");
          const b = await openai.createTranscription(audio as any, "whisper-1");
          return [a.data, b.data.text];
        }

        export async function list() {
          const { data } = await openai.listModels();
          const file = await openai.retrieveFile("file-1");
          return [data.data.map((m) => m.id), file.data.filename];
        }
""", """\
        import OpenAI from "openai";
        import fs from "fs";

        const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

        export async function transcribe(path: string, audio: Buffer) {
          const a = await openai.audio.transcriptions.create({ file: fs.createReadStream(path) as any, model: "whisper-1", response_format: "text" });
          // migrate: file: v4+ takes fs.createReadStream(path) or await toFile(...)
          const b = await openai.audio.transcriptions.create({ file: audio as any, model: "whisper-1" });
          return [a, b.text];
        }

        export async function list() {
          const data = await openai.models.list();
          const file = await openai.files.retrieve("file-1");
          return [data.data.map((m) => m.id), file.filename];
        }
""", id="OAI004-positional-uploads-become-one-body", name="uploads.ts", review=[
        ('OAI004', 9, 'file: openai-node v4+ uploads an fs.ReadStream, a File, a fe'),
    ]),
    case("OAI004,OAI005", """\
        import { Configuration, OpenAIApi } from "openai";

        const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));

        export async function stream(prompt: string) {
          const res = await openai.createChatCompletion(
            { model: "gpt-4o", messages: [{ role: "user", content: prompt }] },
            { responseType: "stream", timeout: 30000 },
          );
          return res;
        }

        export function later(prompt: string) {
          return openai
            .createChatCompletion({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] })
            .then((r) => r.data.choices[0].message);
        }

        export async function meta(prompt: string) {
          const r = await openai.createChatCompletion({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] });
          console.log(r.status);
          return r.data;
        }

        export async function old() {
          return openai.createEdit({ model: "text-davinci-edit-001", input: "x", instruction: "y" });
        }
""", """\
        import OpenAI from "openai";

        const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

        export async function stream(prompt: string) {
          // migrate: v4+ streaming: for await (const chunk of stream) replaces response.data.on("data")
          const res = await openai.chat.completions.create(
            { model: "gpt-4o", messages: [{ role: "user", content: prompt }], stream: true },
            { timeout: 30000 },
          );
          return res;
        }

        export function later(prompt: string) {
          return openai
            .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] })
            .then((r) => r.choices[0].message);
        }

        export async function meta(prompt: string) {
          const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] });
          // migrate: .status: v4+ returns the body; use .withResponse() for the HTTP response
          console.log(r.status);
          return r;
        }

        export async function old() {
          // migrate: createEdit: no such endpoint in openai-node v4+; port by hand
          return openai.createEdit({ model: "text-davinci-edit-001", input: "x", instruction: "y" });
        }
""", id="OAI004-stream-then-status-and-removed-endpoints", name="stream.ts", review=[
        ('OAI004', 7, 'v4+ streams with `stream: true` and returns an async iterabl'),
        ('OAI004', 29, 'createEdit calls an endpoint openai-node v4+ no longer has ('),
        ('OAI004', 23, '`.status` of a v3 response: v4+ resolves to the response bod'),
    ]),
    case("OAI004,OAI005", """\
        import { Configuration, OpenAIApi, ChatCompletionRequestMessage, ChatCompletionRequestMessageRoleEnum } from "openai";

        const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));

        export async function ask(history: ChatCompletionRequestMessage[]) {
          const messages: ChatCompletionRequestMessage[] = [
            { role: ChatCompletionRequestMessageRoleEnum.System, content: "be brief" },
            ...history,
          ];
          const { data: completion } = await openai.createChatCompletion({ model: "gpt-4o", messages });
          return completion.choices[0].message;
        }
""", """\
        import OpenAI from "openai";

        const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

        export async function ask(history: OpenAI.ChatCompletionMessageParam[]) {
          const messages: OpenAI.ChatCompletionMessageParam[] = [
            { role: "system", content: "be brief" },
            ...history,
          ];
          const completion = await openai.chat.completions.create({ model: "gpt-4o", messages });
          return completion.choices[0].message;
        }
""", id="OAI004-v3-types-and-enums", name="types.ts", review=[
    ]),
    case("OAI004,OAI005", """\
        import { Configuration, OpenAIApi } from "openai";

        const configuration = new Configuration({
          apiKey: process.env.OPENAI_API_KEY,
          basePath: "https://proxy.internal/v1",
        });
        const openai = new OpenAIApi(configuration);

        export async function ask(question: string) {
          const completion = await openai.createChatCompletion({
            model: "gpt-4o",
            messages: [{ role: "user", content: question }],
          });
          return completion.data.choices[0].message?.content;
        }
""", """\
        import OpenAI from "openai";

        const openai = new OpenAI({
          apiKey: process.env.OPENAI_API_KEY,
          baseURL: "https://proxy.internal/v1",
        });

        export async function ask(question: string) {
          const completion = await openai.chat.completions.create({
            model: "gpt-4o",
            messages: [{ role: "user", content: question }],
          });
          return completion.choices[0].message?.content;
        }
""", id="OAI004-esm-configuration-variable-inlined", name="esm.ts", review=[
    ]),
    case("OAI004", """\
        const { Configuration, OpenAIApi } = require("openai");

        const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));

        async function ask(prompt) {
          const response = await openai.createCompletion({ model: "gpt-3.5-turbo-instruct", prompt }).catch((err) => {
            throw new Error(err);
          });
          if (!response) return;
          return response.data.choices[0].text;
        }

        async function askOr(prompt, fallback) {
          const response = await openai.createCompletion({ model: "gpt-3.5-turbo-instruct", prompt }).catch(() => {
            return { data: fallback };
          });
          return response.data.choices[0].text;
        }
        module.exports = { ask, askOr };
""", """\
        const { OpenAI } = require("openai");

        const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

        async function ask(prompt) {
          const response = await openai.completions.create({ model: "gpt-3.5-turbo-instruct", prompt }).catch((err) => {
            throw new Error(err);
          });
          if (!response) return;
          return response.choices[0].text;
        }

        async function askOr(prompt, fallback) {
          // migrate: v4+ resolves to the body: drop `.data` where this promise's result is read
          const response = await openai.completions.create({ model: "gpt-3.5-turbo-instruct", prompt }).catch(() => {
            return { data: fallback };
          });
          return response.data.choices[0].text;
        }
        module.exports = { ask, askOr };
""", id="OAI004-response-read-through-catch", name="cli.js", review=[
        ("OAI004", 15, "is used in a member expression"),
    ]),
    case("OAI004", """\
        import { Configuration, OpenAIApi } from "openai";

        export class Chat {
          constructor(caller) {
            this.caller = caller;
            this.client = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));
            this.createCompletion = (request) => this.caller.call(request);
          }
          completionWithRetry(request) {
            return this.caller.call(this.client.createChatCompletion.bind(this.client), request).then((res) => res.data);
          }
        }
""", """\
        import OpenAI from "openai";

        export class Chat {
          constructor(caller) {
            this.caller = caller;
            this.client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
            this.createCompletion = (request) => this.caller.call(request);
          }
          completionWithRetry(request) {
            // migrate: createChatCompletion is gone in v4+: this.client.chat.completions.create(...), resolving to the body
            return this.caller.call(this.client.createChatCompletion.bind(this.client), request).then((res) => res.data);
          }
        }
""", id="OAI004-v3-method-taken-as-a-value-for-review", name="retry.js", review=[
        ("OAI004", 11, "use this.client.chat.completions.create (bound to this.client.chat.completions)"),
    ]),
    case("OAI004", """\
        import { Configuration, OpenAIApi } from "openai";

        export class Moderation {
          constructor(fields) {
            this.clientConfig = new Configuration({ ...fields?.configuration, apiKey: fields.apiKey, basePath: fields.base });
            this.client = new OpenAIApi(this.clientConfig);
          }
        }
""", """\
        import OpenAI from "openai";

        export class Moderation {
          constructor(fields) {
            // migrate: v4+ has no Configuration: a plain options object (basePath -> baseURL)
            this.clientConfig = { ...fields?.configuration, apiKey: fields.apiKey, baseURL: fields.base };
            this.client = new OpenAI(this.clientConfig);
          }
        }
""", id="OAI004-configuration-kept-in-a-field-becomes-options", name="moderation.js", review=[
        ("OAI004", 6, "v3's Configuration is gone in v4+"),
        ("OAI004", 7, "the client's options come from a value the rewrite cannot read"),
    ]),
    case("OAI004", """\
        const openai_1 = require("openai");
        class Chat {
            completionWithRetry(request) {
                if (!this.client) {
                    this.client = new openai_1.OpenAIApi(new openai_1.Configuration({ apiKey: process.env.OPENAI_API_KEY }));
                }
                return this.caller.call(this.client.createChatCompletion.bind(this.client), request);
            }
        }
        exports.Chat = Chat;
""", """\
        const openai_1 = require("openai");
        class Chat {
            completionWithRetry(request) {
                if (!this.client) {
                    this.client = new openai_1.OpenAI({ apiKey: process.env.OPENAI_API_KEY });
                }
                // migrate: createChatCompletion is gone in v4+: this.client.chat.completions.create(...), resolving to the body
                return this.caller.call(this.client.createChatCompletion.bind(this.client), request);
            }
        }
        exports.Chat = Chat;
""", id="OAI004-v3-method-taken-as-a-value-through-a-namespace", name="chat.cjs", review=[
        ("OAI004", 8, "is a v3 method taken as a value"),
    ]),
    case("OAI004", """\
        import { Configuration, OpenAIApi, ChatCompletionRequestMessage } from "openai";

        /** LangChain.js 0.0.x: the module's own class is called OpenAI. */
        export class OpenAI {
          client = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));
          async call(messages: ChatCompletionRequestMessage[]) {
            const res = await this.client.createChatCompletion({ model: "gpt-4o", messages });
            return res.data.choices[0].message;
          }
        }
""", """\
        import OpenAIClient from "openai";

        /** LangChain.js 0.0.x: the module's own class is called OpenAI. */
        export class OpenAI {
          client = new OpenAIClient({ apiKey: process.env.OPENAI_API_KEY });
          async call(messages: OpenAIClient.ChatCompletionMessageParam[]) {
            const res = await this.client.chat.completions.create({ model: "gpt-4o", messages });
            return res.choices[0].message;
          }
        }
""", id="OAI004-module-declares-its-own-OpenAI", name="llm.ts", review=[
    ]),
    case("OAI004", """\
        const { Configuration, OpenAIApi } = require("openai");
        function OpenAI(options) { return { options }; }

        const client = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));
        module.exports = { client, OpenAI };
""", """\
        const { OpenAI: OpenAIClient } = require("openai");
        function OpenAI(options) { return { options }; }

        const client = new OpenAIClient({ apiKey: process.env.OPENAI_API_KEY });
        module.exports = { client, OpenAI };
""", id="OAI004-commonjs-module-declares-its-own-OpenAI", name="own.js", review=[
        ("OAI004", 4, "this client is exported"),
    ]),
    case("OAI004", """\
        import { Configuration, OpenAIApi } from "openai";

        const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));

        export async function ask(prompt: string) {
          const response = await openai.createCompletion({ model: "gpt-3.5-turbo-instruct", prompt }).catch((err) => {
            throw new Error(err);
          });
          return response.data.choices[0].text;
        }
""", """\
        import OpenAI from "openai";

        const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

        export async function ask(prompt: string) {
          const response = await openai.completions.create({ model: "gpt-3.5-turbo-instruct", prompt }).catch((err) => {
            throw new Error(err);
          });
          return response.choices[0].text;
        }
""", id="OAI004-response-read-through-catch-esm", name="cli_esm.ts", review=[
    ]),
    case("OAI004,OAI005", """\
        import * as oai from "openai";

        export class Bot {
          private openai: oai.OpenAIApi;
          constructor(key: string) {
            this.openai = new oai.OpenAIApi(new oai.Configuration({ apiKey: key }));
          }
          async ask(q: string) {
            const r = await this.openai.createChatCompletion({ model: "gpt-4o", messages: [{ role: "user", content: q }] });
            const items = [0].map((i) => r.data.choices[i].message);
            try {
              await this.openai.createModeration({ input: q });
            } catch (e: any) {
              console.log(e.response?.data?.error?.message, e.response?.status);
            }
            return items;
          }
        }

        export function makeClient(key: string) {
          return new oai.OpenAIApi(new oai.Configuration({ apiKey: key }));
        }
""", """\
        import * as oai from "openai";

        export class Bot {
          private openai: oai.OpenAI;
          constructor(key: string) {
            this.openai = new oai.OpenAI({ apiKey: key });
          }
          async ask(q: string) {
            const r = await this.openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }] });
            const items = [0].map((i) => r.choices[i].message);
            try {
              await this.openai.moderations.create({ input: q });
            } catch (e: any) {
              // migrate: v4+'s APIError.message starts with the HTTP status ('400 ...'); the API's own message alone is its .error?.message
              console.log(e.message, e.status);
            }
            return items;
          }
        }

        export function makeClient(key: string) {
          return new oai.OpenAI({ apiKey: key });
        }
""", id="OAI004-namespace-import-class-field-and-factory", name="e_class.ts", review=[
        ('OAI005', 15, "e.response?.data?.error?.message -> e.message: v4+'s APIErro"),
    ]),
    case("OAI004,OAI005", """\
        import { Configuration, OpenAIApi } from "openai";

        let client: OpenAIApi | null = null;
        export function get(): OpenAIApi {
          client ??= new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));
          return client;
        }
""", """\
        import OpenAI from "openai";

        let client: OpenAI | null = null;
        export function get(): OpenAI {
          client ??= new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
          return client;
        }
""", id="OAI004-client-type-annotations", name="e_typed.ts", review=[
    ]),
    # a client passed in, typed OpenAIApi (built in a module the upgrade converts too): upgraded like one built here
    case("OAI004,OAI005", """\
        import { OpenAIApi } from "openai";

        export async function ask(client: OpenAIApi, q: string) {
          const r = await client.createChatCompletion({ model: "gpt-4o", messages: [{ role: "user", content: q }] });
          return r.data.choices[0].message;
        }
""", """\
        import OpenAI from "openai";

        export async function ask(client: OpenAI, q: string) {
          const r = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }] });
          return r.choices[0].message;
        }
""", id="OAI004-typed-parameter-upgraded", name="e_param.ts", review=[
    ]),
    # -- no-op cases ----------------------------------------------------------------------------------------------
    case("OAI004,OAI005", """\
        import OpenAI from "openai";

        const client = new OpenAI();
        export async function ask() {
          try {
            const r = await client.chat.completions.create({ model: "m", messages: [] });
            return r.choices[0].message;
          } catch (e: any) {
            return e.status;
          }
        }
        """, id="OAI004-current-sdk-untouched"),
    case("OAI004,OAI005", """\
        import Groq from "groq-sdk";
        import axios from "axios";

        const groq = new Groq();
        export async function ask() {
          try {
            const r = await groq.chat.completions.create({ model: "llama3", messages: [] });
            await axios.get("https://example.com");
            return r.choices[0];
          } catch (e: any) {
            return e.response.status;
          }
        }
        """, id="OAI004-look-alike-sdk-and-axios-untouched"),
    case("OAI004,OAI005", """\
        import { Configuration, OpenAIApi } from "openai-edge";

        const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));
        export async function POST() {
          const r = await openai.createChatCompletion({ model: "gpt-4o", messages: [], stream: true });
          return r;
        }
        """, id="OAI004-openai-edge-untouched", name="edge.ts"),
    case("OAI004,OAI005", """\
        import { Configuration, OpenAIApi } from "openai-edge";
        import { CreateChatCompletionRequest } from "openai";
        import { getContext } from "./context";

        export const client = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));

        export async function chat(request: CreateChatCompletionRequest) {
          const openai = getContext();
          const response = await openai.createChatCompletion(request);
          return response.json();
        }
""", None, id="OAI004-openai-edge-module-with-v3-types-from-openai-is-left", name="edge.ts", review=[
        ('OAI004', 2, 'CreateChatCompletionRequest: openai v3 types used with openai-edge\'s v3 API: import them from'),
    ]),
]


@pytest.mark.parametrize("c", CASES)
def test_case(c, tmp_path):
    check_case(c, tmp_path)


def test_client_exported_to_another_module_is_upgraded_in_both(tmp_path):
    """A client exported from lib/openai.js and called from a route: both files are upgraded in one run, and the
    exported client gets a review item (uses the scan could not follow would break)."""
    from tests.rewrite.javascript.upgrade_cases import run_js

    (tmp_path / "lib").mkdir()
    lib = ('const { Configuration, OpenAIApi } = require("openai");\n'
           'const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));\n'
           'module.exports = { openai };\n')
    route = ('const { openai } = require("./lib/openai");\n'
             'async function handler(q) {\n'
             '  const r = await openai.createChatCompletion({ model: "gpt-4o", messages: [{ role: "user", content: q }],'
             ' functions: [{ name: "f", parameters: {} }] });\n'
             '  return r.data.choices[0].message;\n'
             '}\n'
             'module.exports = { handler };\n')
    (tmp_path / "lib" / "openai.js").write_text(lib)
    rules = ("OAI004", "OAI005", "OAI007", "OAI008")
    lib_result = run_js(lib, rules, tmp_path / "lib", "openai.js")
    assert lib_result.after == ('const { OpenAI } = require("openai");\n'
                                'const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });\n'
                                'module.exports = { openai };\n')
    assert [(r, line) for r, line, _ in lib_result.review] == [("OAI004", 2)]
    route_result = run_js(route, rules, tmp_path, "route.js")
    assert route_result.failure is None
    assert "openai.chat.completions.create(" in route_result.after
    assert 'tools: [{ type: "function", function: { name: "f", parameters: {} } }]' in route_result.after
    assert "return r.choices[0].message;" in route_result.after
    # once lib/openai.js is written, a second run over the route finds nothing left to do
    (tmp_path / "lib" / "openai.js").write_text(lib_result.after)
    again = run_js(route_result.after, rules, tmp_path, "route.js")
    assert again.after == route_result.after


def test_crlf_files_keep_crlf_in_what_the_upgrade_writes(tmp_path):
    """Notes and added body fields use the file's line ending."""
    from tests.rewrite.javascript.upgrade_cases import run_js

    stream = next(p.values[0] for p in CASES if p.values[0].id == "OAI004-stream-then-status-and-removed-endpoints")
    source = stream.before.replace("\n", "\r\n")
    result = run_js(source, stream.rules, tmp_path, stream.name)
    assert result.failure is None
    assert result.after == stream.after.replace("\n", "\r\n")
    assert run_js(result.after, stream.rules, tmp_path, stream.name).after == result.after
