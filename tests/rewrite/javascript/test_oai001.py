"""OAI001 client-endpoint on JS/TS: before/after cases with their review items, each run twice."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript.cases import BASE, KEY, case, check_case

CASES = [
    case("OAI001", """
        import OpenAI from "openai";

        /** Answers about a document. The answer cites the document. */
        export const client = new OpenAI();
        """, f"""
        import OpenAI from "openai";

        /** Answers about a document. The answer cites the document. */
        export const client = new OpenAI({{
          baseURL: {BASE},
          apiKey: {KEY},
        }});
        """, id="OAI001-ts-prose-in-a-comment-is-no-browser-code-plain-process-read"),
    case("OAI001", """
        "use client";
        import OpenAI from "openai";

        const openai = new OpenAI({ apiKey: localStorage.getItem("key") ?? "", dangerouslyAllowBrowser: true });
        """, """
        "use client";
        import OpenAI from "openai";

        // migrate: dangerouslyAllowBrowser: the client runs in the browser: users' browsers then call the vLLM server directly, which needs CORS (vLLM's --allowed-origins) and exposes its API key to every visitor; call vLLM from a server route instead, or start vLLM with --allowed-origins for the site's origin and give it a key that may be public; the rewrite reads OPENAI_BASE_URL through globalThis.process, which a browser bundle may not define (then the default URL applies, where `process.env` would throw): set the URL for the build with the bundler's prefix (VITE_, NEXT_PUBLIC_, ...)
        const openai = new OpenAI({
          apiKey: localStorage.getItem("key") ?? "",
          dangerouslyAllowBrowser: true,
          baseURL: (globalThis as any).process?.env?.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
        });
        """, id="OAI001-ts-browser-client-reads-no-variable-guarded-process-read", name="App.tsx",
        review=[("OAI001", 5, "the rewrite reads OPENAI_BASE_URL through globalThis.process")]),
    case("OAI001", """
        import OpenAI from "openai";

        export default {
          async fetch(request, env) {
            const client = new OpenAI({ apiKey: request.headers.get("x-api-key") });
            return client.models.list();
          },
        };
        """, """
        import OpenAI from "openai";

        export default {
          async fetch(request, env) {
            // migrate: this OpenAI client's baseURL is read through globalThis.process, which a Worker does not have (the default URL applies there): read it off the Worker's env binding (env.OPENAI_BASE_URL, a var in wrangler.toml and a field of its Env type)
            const client = new OpenAI({
              apiKey: request.headers.get("x-api-key"),
              baseURL: globalThis.process?.env?.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
            });
            return client.models.list();
          },
        };
        """, id="OAI001-js-worker-key-from-request-guarded-process-read-and-note", name="worker.js",
        review=[("OAI001", 6, "read it off the Worker's env binding")]),
    case("OAI001", """
        import OpenAI from "openai";

        export default {
          async fetch(request, env) {
            const client = new OpenAI({ apiKey: env.OPENAI_API_KEY });
            const other = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
            return client.chat.completions.create({ model: "m", messages: [] }).then(() => other);
          },
        };
        """, f"""
        import OpenAI from "openai";

        export default {{
          async fetch(request, env) {{
            // migrate: this OpenAI client's baseURL is read from `env`, where its key is read (not from process.env, which a Worker or browser may not have): define OPENAI_BASE_URL there (a Worker: a var in wrangler.toml and a field of its Env type)
            const client = new OpenAI({{
              apiKey: env.OPENAI_API_KEY,
              baseURL: env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
            }});
            const other = new OpenAI({{
              apiKey: {KEY},
              baseURL: {BASE},
            }});
            return client.chat.completions.create({{ model: "m", messages: [] }}).then(() => other);
          }},
        }};
        """, id="OAI001-js-worker-env-binding-key-base-url-read-beside-it",
        review=[("OAI001", 6, "baseURL is read from `env`, where its key is read")]),
    case("OAI001", """
        import OpenAI from "openai";

        const client = new OpenAI();
        client.baseURL = process.env.OPENAI_API_HOST;
        const other = new OpenAI();
        other.baseURL = process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1";
        """, f"""
        import OpenAI from "openai";

        const client = new OpenAI({{
          baseURL: {BASE},
          apiKey: {KEY},
        }});
        // migrate: `client.baseURL` is set here after the client is built: it overrides the vLLM endpoint the construction now reads; read $OPENAI_BASE_URL here too, or remove it
        client.baseURL = process.env.OPENAI_API_HOST;
        const other = new OpenAI({{
          baseURL: {BASE},
          apiKey: {KEY},
        }});
        other.baseURL = process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1";
        """, id="OAI001-js-base-url-set-after-construction",
        review=[("OAI001", 8, "`client.baseURL` is set here after the client is built")]),
    case("OAI001", """
        import OpenAI from "openai";

        const client = new OpenAI();
        """, f"""
        import OpenAI from "openai";

        const client = new OpenAI({{
          baseURL: {BASE},
          apiKey: {KEY},
        }});
        """, id="OAI001-js-no-options"),
    case("OAI001", """
        import OpenAI from "openai";

        export const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, maxRetries: 3 });
        """, f"""
        import OpenAI from "openai";

        export const openai = new OpenAI({{
          apiKey: {KEY},
          maxRetries: 3,
          baseURL: {BASE},
        }});
        """, id="OAI001-js-keeps-options"),
    case("OAI001", """
        const OpenAI = require("openai");

        const client = new OpenAI({
          // the team's key
          apiKey: process.env.OPENAI_API_KEY,
          timeout: 20_000,
        });
        """, f"""
        const OpenAI = require("openai");

        const client = new OpenAI({{
          // the team's key
          apiKey: {KEY},
          timeout: 20_000,
          baseURL: {BASE},
        }});
        """, id="OAI001-js-multiline-commonjs", name="worker.cjs"),
    case("OAI001", """
        import { OpenAI } from "openai";

        const options = { baseURL: "https://api.openai.com/v1", organization: "org-1" };
        export const client = new OpenAI(options);
        """, f"""
        import {{ OpenAI }} from "openai";

        const options = {{
          baseURL: {BASE},
          organization: "org-1",
          apiKey: {KEY},
        }};
        export const client = new OpenAI(options);
        """, id="OAI001-js-options-variable"),
    case("OAI001", """
        import OpenAI from "openai";

        const groq = new OpenAI({ baseURL: "https://api.groq.com/openai/v1", apiKey: process.env.GROQ_API_KEY });
        """, None, id="OAI001-js-other-provider-untouched",
        review=[("OAI001", 3, "Groq")]),
    case("OAI001", """
        import OpenAI from "openai";

        const local = new OpenAI({ baseURL: "http://localhost:8000/v1", apiKey: "EMPTY" });
        """, None, id="OAI001-js-local-server-untouched"),
    case("OAI001", """
        import OpenAI from "openai";

        export function make(settings) {
          return new OpenAI({ ...settings.llm, timeout: 5 });
        }
        """, """
        import OpenAI from "openai";

        export function make(settings) {
          // migrate: this OpenAI client's options are spread from another object: check it sets no other provider's baseURL or key, then set baseURL from $OPENAI_BASE_URL
          return new OpenAI({ ...settings.llm, timeout: 5 });
        }
        """, id="OAI001-js-spread-left-for-review",
        review=[("OAI001", 5, "spread from another object")]),
    case("OAI001", """
        import OpenAI from "openai";

        const client = new OpenAI({ baseURL: config.llmUrl });
        """, """
        import OpenAI from "openai";

        // migrate: this OpenAI client talks to an endpoint the code computes (baseURL comes from `config.llmUrl`): left as it is; point it at $OPENAI_BASE_URL if it reaches OpenAI
        const client = new OpenAI({ baseURL: config.llmUrl });
        """, id="OAI001-js-computed-endpoint-for-review",
        review=[("OAI001", 4, "left as it is")]),
    case("OAI001", """
        export const session = () => import("openai").then(({ OpenAI }) => {
          return new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
        });
        export const lazy = (baseURL) => import("openai").then((mod) => new mod.OpenAI({ baseURL }));
        """, f"""
        export const session = () => import("openai").then(({{ OpenAI }}) => {{
          return new OpenAI({{
            apiKey: {KEY},
            baseURL: {BASE},
          }});
        }});
        // migrate: this OpenAI client talks to an endpoint the code computes (baseURL comes from `baseURL`): left as it is; point it at $OPENAI_BASE_URL if it reaches OpenAI
        export const lazy = (baseURL) => import("openai").then((mod) => new mod.OpenAI({{ baseURL }}));
        """, id="OAI001-js-client-in-a-dynamic-import-callback", name="lazy.js",
        review=[("OAI001", 8, "left as it is")]),
    case("OAI001", """
        import OpenAI from "openai";
        export const make = (apiBase: string) =>
          new OpenAI({
            baseURL:
              apiBase !== "https://api.openai.com/v1/"
                ? apiBase
                : undefined,
          });
        """, """
        import OpenAI from "openai";
        export const make = (apiBase: string) =>
          // migrate: this OpenAI client talks to an endpoint the code computes (baseURL comes from `apiBase !== "https://api.openai.com/v1/" ? apiBase : undefined`): left as it is; point it at $OPENAI_BASE_URL if it reaches OpenAI
          new OpenAI({
            baseURL:
              apiBase !== "https://api.openai.com/v1/"
                ? apiBase
                : undefined,
          });
        """, id="OAI001-js-multiline-computed-endpoint-quoted-on-one-line",
        review=[("OAI001", 4, '(baseURL comes from `apiBase !== "https://api.openai.com/v1/" ? apiBase : undefined`)')]),
    case("OAI001", """
        import { streamText } from "ai";
        import { openai } from "@ai-sdk/openai";

        export const answer = (prompt: string) => streamText({ model: openai("gpt-4o"), prompt });
        """, f"""
        import {{ streamText }} from "ai";
        import {{ createOpenAI }} from "@ai-sdk/openai";

        const openai = createOpenAI({{
          baseURL: {BASE},
          apiKey: {KEY},
        }});

        export const answer = (prompt: string) => streamText({{ model: openai("gpt-4o"), prompt }});
        """, id="OAI001-js-ai-sdk-default-provider"),
    case("OAI001", """
        import { createOpenAI } from "@ai-sdk/openai";

        export const provider = createOpenAI({ compatibility: "strict" });
        """, f"""
        import {{ createOpenAI }} from "@ai-sdk/openai";

        export const provider = createOpenAI({{
          compatibility: "strict",
          baseURL: {BASE},
          apiKey: {KEY},
        }});
        """, id="OAI001-js-ai-sdk-create-openai"),
    case("OAI001", """
        import { createOpenAI } from "@ai-sdk/openai";

        export const together = createOpenAI({ baseURL: "https://api.together.xyz/v1", apiKey: process.env.TOGETHER_API_KEY });
        """, None, id="OAI001-js-ai-sdk-other-provider", review=[("OAI001", 3, "Together")]),
    case("OAI001", """
        <script setup lang="ts">
        import OpenAI from "openai";
        const client = new OpenAI({ apiKey: import.meta.env.VITE_OPENAI_KEY, dangerouslyAllowBrowser: true });
        </script>
        """, """
        <script setup lang="ts">
        import OpenAI from "openai";
        // migrate: dangerouslyAllowBrowser: the client runs in the browser: users' browsers then call the vLLM server directly, which needs CORS (vLLM's --allowed-origins) and exposes its API key to every visitor; call vLLM from a server route instead, or start vLLM with --allowed-origins for the site's origin and give it a key that may be public; browser code reads only the variables its bundler exposes (Vite: VITE_*), so the rewrite reads VITE_OPENAI_BASE_URL: define it for the build
        const client = new OpenAI({
          apiKey: import.meta.env.VITE_OPENAI_KEY,
          dangerouslyAllowBrowser: true,
          baseURL: import.meta.env.VITE_OPENAI_BASE_URL ?? "http://localhost:8000/v1",
        });
        </script>
        """, id="OAI001-js-vue-browser-client", name="Chat.vue",
        review=[("OAI001", 4, "dangerouslyAllowBrowser")]),
    case("OAI001", """
        <script setup lang="ts">
        import OpenAI from "openai";
        const client = new OpenAI({ apiKey: import.meta.env.VITE_KEY, dangerouslyAllowBrowser: import.meta.env.DEV });
        </script>
        """, """
        <script setup lang="ts">
        import OpenAI from "openai";
        // migrate: dangerouslyAllowBrowser: the client runs in the browser: users' browsers then call the vLLM server directly, which needs CORS (vLLM's --allowed-origins) and exposes its API key to every visitor; call vLLM from a server route instead, or start vLLM with --allowed-origins for the site's origin and give it a key that may be public; browser code reads only the variables its bundler exposes (Vite: VITE_*), so the rewrite reads VITE_OPENAI_BASE_URL: define it for the build
        const client = new OpenAI({
          apiKey: import.meta.env.VITE_KEY,
          dangerouslyAllowBrowser: import.meta.env.DEV,
          baseURL: import.meta.env.VITE_OPENAI_BASE_URL ?? "http://localhost:8000/v1",
        });
        </script>
        """, id="OAI001-js-vite-key-is-no-provider", name="Chat.vue",
        review=[("OAI001", 4, "so the rewrite reads VITE_OPENAI_BASE_URL")]),
    case("OAI001", """
        "use client";
        import OpenAI from "openai";

        const client = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY, dangerouslyAllowBrowser: true });
        const groq = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_GROQ_API_KEY, baseURL: "https://api.groq.com/openai/v1", dangerouslyAllowBrowser: true });
        export default function Chat() {
          return <button onClick={() => client.chat.completions.create({ model: "gpt-4o", messages: [] })}>ask</button>;
        }
        """, """
        "use client";
        import OpenAI from "openai";

        // migrate: dangerouslyAllowBrowser: the client runs in the browser: users' browsers then call the vLLM server directly, which needs CORS (vLLM's --allowed-origins) and exposes its API key to every visitor; call vLLM from a server route instead, or start vLLM with --allowed-origins for the site's origin and give it a key that may be public; browser code reads only the variables its bundler exposes (Next.js: NEXT_PUBLIC_*), so the rewrite reads NEXT_PUBLIC_OPENAI_BASE_URL: define it for the build
        const client = new OpenAI({
          apiKey: process.env.NEXT_PUBLIC_OPENAI_API_KEY ?? "EMPTY",
          dangerouslyAllowBrowser: true,
          baseURL: process.env.NEXT_PUBLIC_OPENAI_BASE_URL ?? "http://localhost:8000/v1",
        });
        const groq = new OpenAI({ apiKey: process.env.NEXT_PUBLIC_GROQ_API_KEY, baseURL: "https://api.groq.com/openai/v1", dangerouslyAllowBrowser: true });
        export default function Chat() {
          return <button onClick={() => client.chat.completions.create({ model: "gpt-4o", messages: [] })}>ask</button>;
        }
        """, id="OAI001-js-next-public-variables-keep-their-prefix", name="Chat.tsx",
        review=[("OAI001", 5, "(Next.js: NEXT_PUBLIC_*)"), ("OAI001", 10, "talks to Groq")]),
    case("OAI001", """
        import { Configuration, OpenAIApi } from "openai-edge";
        import { OpenAIStream, StreamingTextResponse } from "ai";

        const config = new Configuration({ apiKey: process.env.OPENAI_API_KEY });
        const openai = new OpenAIApi(config);

        export async function POST(req: Request) {
          const { messages } = await req.json();
          const response = await openai.createChatCompletion({ model: "gpt-3.5-turbo", stream: true, messages });
          const stream = OpenAIStream(response);
          return new StreamingTextResponse(stream);
        }
        """, """
        import { Configuration, OpenAIApi } from "openai-edge";
        import { OpenAIStream, StreamingTextResponse } from "ai";

        const config = new Configuration({
          apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
          basePath: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
        });
        // migrate: openai-edge now reads $OPENAI_BASE_URL (basePath): it keeps the v3 API; openai-edge is deprecated: openai@^4 (new OpenAI({ baseURL, apiKey })) runs on the edge too, and the AI SDK's createOpenAI({ baseURL }) replaces OpenAIStream
        const openai = new OpenAIApi(config);

        export async function POST(req: Request) {
          const { messages } = await req.json();
          const response = await openai.createChatCompletion({ model: "gpt-3.5-turbo", stream: true, messages });
          const stream = OpenAIStream(response);
          return new StreamingTextResponse(stream);
        }
        """, id="OAI001-js-openai-edge-gets-base-path", name="route.ts",
        review=[('OAI001', 9, 'openai-edge now reads $OPENAI_BASE_URL (basePath)')]),
    case("OAI001", """
        const { Configuration, OpenAIApi } = require("openai-edge");

        const openai = new OpenAIApi(new Configuration());
        const groq = new OpenAIApi(new Configuration({ basePath: "https://api.groq.com/openai/v1", apiKey: process.env.GROQ_API_KEY }));
        const mine = new OpenAIApi(makeConfiguration());

        module.exports = { openai, groq, mine };
        """, """
        const { Configuration, OpenAIApi } = require("openai-edge");

        // migrate: openai-edge now reads $OPENAI_BASE_URL (basePath): it keeps the v3 API; openai-edge is deprecated: openai@^4 (new OpenAI({ baseURL, apiKey })) runs on the edge too, and the AI SDK's createOpenAI({ baseURL }) replaces OpenAIStream
        const openai = new OpenAIApi(new Configuration({
          basePath: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
          apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
        }));
        const groq = new OpenAIApi(new Configuration({ basePath: "https://api.groq.com/openai/v1", apiKey: process.env.GROQ_API_KEY }));
        // migrate: an openai-edge client whose Configuration the rewrite cannot follow here: set its basePath from $OPENAI_BASE_URL (v3's base URL, /v1 included) where it is built, or move to openai@^4 (new OpenAI({ baseURL, apiKey }))
        const mine = new OpenAIApi(makeConfiguration());

        module.exports = { openai, groq, mine };
        """, id="OAI001-js-openai-edge-inline-other-provider-and-unfollowed", name="edge.js",
        review=[('OAI001', 4, 'openai-edge now reads'), ('OAI001', 8, 'talks to Groq'), ('OAI001', 10, 'cannot follow here')]),
    case("OAI001", """
        "use strict";
        const openai_1 = __importDefault(require("openai"));
        const client = new openai_1.default({ apiKey: process.env.OPENAI_API_KEY });
        exports.ask = (p) => client.chat.completions.create({ model: "gpt-4o", messages: [] });
        """, """
        "use strict";
        const openai_1 = __importDefault(require("openai"));
        const client = new openai_1.default({
          apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
          baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
        });
        exports.ask = (p) => client.chat.completions.create({ model: "gpt-4o", messages: [] });
        """, id="OAI001-js-compiled-commonjs-interop-require", name="client.js"),
    case("OAI001", """
        import OpenAI from "openai";

        const client = new OpenAI({ timeout: 5, apiKey: process.env.OPENAI_API_KEY });

        export async function ask(prompt: string) {
          const r = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] });
          const image = await client.images.generate({ model: "dall-e-3", prompt });
          const speech = await client.audio.speech.create({ model: "tts-1", voice: "alloy", input: prompt });
          return [r, image, speech];
        }
        """, """
        import OpenAI from "openai";

        const client = new OpenAI({
          timeout: 5,
          apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
          baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
        });
        // migrate: openaiClient keeps talking to OpenAI for what vLLM does not serve: audio.speech.create, images.generate
        const openaiClient = new OpenAI({
          baseURL: process.env.OPENAI_UPSTREAM_BASE_URL ?? "https://api.openai.com/v1",
          apiKey: process.env.OPENAI_UPSTREAM_API_KEY ?? process.env.OPENAI_API_KEY,
          timeout: 5,
        });

        export async function ask(prompt: string) {
          const r = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] });
          // migrate: images.generate stays on OpenAI (vLLM 0.32.0 serves no POST /v1/images/generations route): it goes through `openaiClient`, pinned to $OPENAI_UPSTREAM_BASE_URL
          const image = await openaiClient.images.generate({ model: "dall-e-3", prompt });
          // migrate: audio.speech.create stays on OpenAI (vLLM 0.32.0 serves no POST /v1/audio/speech route): it goes through `openaiClient`, pinned to $OPENAI_UPSTREAM_BASE_URL
          const speech = await openaiClient.audio.speech.create({ model: "tts-1", voice: "alloy", input: prompt });
          return [r, image, speech];
        }
        """, id="OAI001-js-unserved-calls-go-through-a-client-kept-on-openai", name="app.ts",
        review=[("OAI001", 18, "images.generate stays on OpenAI"), ("OAI001", 20, "audio.speech.create stays on OpenAI")]),
    case("OAI001", """
        import OpenAI from "openai";
        const client = new OpenAI({ timeout: 5 });
        export const draw = (prompt: string) => client.images.generate({ model: "dall-e-3", prompt });
        """, """
        import OpenAI from "openai";
        // migrate: this client only calls what vLLM does not serve (images.generate): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
        const client = new OpenAI({
          timeout: 5,
          baseURL: process.env.OPENAI_UPSTREAM_BASE_URL ?? "https://api.openai.com/v1",
          apiKey: process.env.OPENAI_UPSTREAM_API_KEY ?? process.env.OPENAI_API_KEY,
        });
        export const draw = (prompt: string) => client.images.generate({ model: "dall-e-3", prompt });
        """, id="OAI001-js-client-only-for-unserved-calls-stays-on-openai", name="app.ts",
        review=[("OAI001", 3, "it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL")]),
    case("OAI001", """
        const OpenAI = require("openai");

        let client = new OpenAI({ organization: "org-1" });

        async function draw(prompt) {
          return client.images.generate({ prompt });
        }

        module.exports = { draw, client };
        """, """
        const OpenAI = require("openai");

        let client = new OpenAI({
          organization: "org-1",
          baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
          apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
        });
        // migrate: openaiClient keeps talking to OpenAI for what vLLM does not serve: images.generate
        const openaiClient = new OpenAI({
          baseURL: process.env.OPENAI_UPSTREAM_BASE_URL ?? "https://api.openai.com/v1",
          apiKey: process.env.OPENAI_UPSTREAM_API_KEY ?? process.env.OPENAI_API_KEY,
          organization: "org-1",
        });

        async function draw(prompt) {
          // migrate: images.generate stays on OpenAI (vLLM 0.32.0 serves no POST /v1/images/generations route): it goes through `openaiClient`, pinned to $OPENAI_UPSTREAM_BASE_URL
          return openaiClient.images.generate({ prompt });
        }

        module.exports = { draw, client };
        """, id="OAI001-js-unserved-call-split-commonjs-keeps-options", name="images.js",
        review=[("OAI001", 17, "it goes through `openaiClient`")]),
    case("OAI001", """
        import OpenAI from "openai";

        let client: OpenAI | null = null;

        export function init() {
          client = new OpenAI();
        }
        export const draw = (prompt: string) => client!.images.generate({ prompt });
        """, f"""
        import OpenAI from "openai";

        let client: OpenAI | null = null;

        export function init() {{
          client = new OpenAI({{
            baseURL: {BASE},
            apiKey: {KEY},
          }});
        }}
        // migrate: images.generate: vLLM serves no such route: if `client` points at vLLM, keep this call on OpenAI through a client of its own (baseURL from $OPENAI_UPSTREAM_BASE_URL, OpenAI's key); not split automatically: the rewrite cannot prove which client this is where it is built
        export const draw = (prompt: string) => client!.images.generate({{ prompt }});
        """, id="OAI001-js-lazily-built-client-unserved-call-for-review", name="lazy.ts",
        review=[("OAI001", 12, "not split automatically")]),
    case("OAI001", """
        import OpenAI from "openai";

        const client = new OpenAI();

        export function draw(prompt: string) {
          const client2 = client;
          return client2.images.generate({ prompt });
        }
        """, """
        import OpenAI from "openai";

        const client = new OpenAI({
          baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
          apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
        });

        export function draw(prompt: string) {
          const client2 = client;
          // migrate: images.generate: vLLM serves no such route: if `client2` points at vLLM, keep this call on OpenAI through a client of its own (baseURL from $OPENAI_UPSTREAM_BASE_URL, OpenAI's key); not split automatically: the rewrite cannot prove which client this is where it is built
          return client2.images.generate({ prompt });
        }
        """, id="OAI001-js-unserved-call-through-an-alias-for-review", name="alias.ts",
        review=[("OAI001", 11, "not split automatically")]),
    case("OAI001", """
        import OpenAI from "openai";

        export class Speaker {
          private client = new OpenAI({ timeout: 5 });

          async say(input: string) {
            return this.client.audio.speech.create({ model: "tts-1", voice: "alloy", input });
          }
        }
        """, """
        import OpenAI from "openai";

        export class Speaker {
          // migrate: this client only calls what vLLM does not serve (audio.speech.create): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
          private client = new OpenAI({
            timeout: 5,
            baseURL: process.env.OPENAI_UPSTREAM_BASE_URL ?? "https://api.openai.com/v1",
            apiKey: process.env.OPENAI_UPSTREAM_API_KEY ?? process.env.OPENAI_API_KEY,
          });

          async say(input: string) {
            return this.client.audio.speech.create({ model: "tts-1", voice: "alloy", input });
          }
        }
        """, id="OAI001-ts-class-field-client-only-for-unserved-calls-stays-on-openai", name="speaker.ts",
        review=[("OAI001", 5, "it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL")]),
    case("OAI001", """
        const OpenAI = require("openai");

        class ImageGenerator {
          constructor(apiKey) {
            this._openAI = new OpenAI({ apiKey: apiKey });
          }
          async generate(prompt) {
            return this._openAI.images.generate({ model: "dall-e-3", prompt });
          }
          async edit(image, prompt) {
            return this._openAI.images.edit({ image, prompt });
          }
        }
        module.exports = ImageGenerator;
        """, """
        const OpenAI = require("openai");

        class ImageGenerator {
          constructor(apiKey) {
            // migrate: this client only calls what vLLM does not serve (images.edit, images.generate): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
            this._openAI = new OpenAI({
              apiKey: apiKey,
              baseURL: process.env.OPENAI_UPSTREAM_BASE_URL ?? "https://api.openai.com/v1",
            });
          }
          async generate(prompt) {
            return this._openAI.images.generate({ model: "dall-e-3", prompt });
          }
          async edit(image, prompt) {
            return this._openAI.images.edit({ image, prompt });
          }
        }
        module.exports = ImageGenerator;
        """, id="OAI001-js-constructor-field-client-only-for-unserved-calls-stays-on-openai", name="images.js",
        review=[("OAI001", 6, "it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL")]),
    case("OAI001", """
        import OpenAI from "openai";

        export class Media {
          #client: OpenAI;
          constructor() {
            this.#client = new OpenAI();
          }
          get client() {
            return this.#client;
          }
          draw(prompt: string) {
            return this.#client.images.generate({ prompt });
          }
        }
        """, f"""
        import OpenAI from "openai";

        export class Media {{
          #client: OpenAI;
          constructor() {{
            this.#client = new OpenAI({{
              baseURL: {BASE},
              apiKey: {KEY},
            }});
          }}
          get client() {{
            return this.#client;
          }}
          draw(prompt: string) {{
            // migrate: images.generate: vLLM serves no such route: if `this.#client` points at vLLM, keep this call on OpenAI through a client of its own (baseURL from $OPENAI_UPSTREAM_BASE_URL, OpenAI's key); not split automatically: the rewrite cannot prove which client this is where it is built
            return this.#client.images.generate({{ prompt }});
          }}
        }}
        """, id="OAI001-ts-field-client-a-getter-exposes-is-repointed-with-review", name="media.ts",
        review=[("OAI001", 16, "not split automatically")]),
    case("OAI001", """
        const OpenAI = require("openai");

        exports.imageAgent = async ({ config }) => {
          const { apiKey, baseURL } = config;
          const openai = new OpenAI({ apiKey, baseURL });
          return openai.images.generate({ model: "dall-e-3", prompt: config.prompt });
        };
        exports.chatAgent = async ({ config }) => {
          const { apiKey, baseURL } = config;
          const openai = new OpenAI({ apiKey, baseURL });
          const image = await openai.images.generate({ model: "dall-e-3", prompt: config.prompt });
          return openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: image.data[0].url }] });
        };
        """, """
        const OpenAI = require("openai");

        exports.imageAgent = async ({ config }) => {
          const { apiKey, baseURL } = config;
          // migrate: this OpenAI client talks to an endpoint the code computes (baseURL comes from `baseURL`): left as it is; it only calls what vLLM does not serve (images.generate): keep it on OpenAI, not on $OPENAI_BASE_URL
          const openai = new OpenAI({ apiKey, baseURL });
          return openai.images.generate({ model: "dall-e-3", prompt: config.prompt });
        };
        exports.chatAgent = async ({ config }) => {
          const { apiKey, baseURL } = config;
          // migrate: this OpenAI client talks to an endpoint the code computes (baseURL comes from `baseURL`): left as it is; point it at $OPENAI_BASE_URL if it reaches OpenAI
          const openai = new OpenAI({ apiKey, baseURL });
          const image = await openai.images.generate({ model: "dall-e-3", prompt: config.prompt });
          return openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: image.data[0].url }] });
        };
        """, id="OAI001-js-computed-endpoint-client-only-for-unserved-calls-is-kept-on-openai", name="agents.js",
        review=[("OAI001", 6, "it only calls what vLLM does not serve (images.generate): keep it on OpenAI"),
                ("OAI001", 12, "point it at $OPENAI_BASE_URL if it reaches OpenAI")]),
    case("OAI001", """
        import OpenAI from "openai";

        export class Voice {
          private speech: OpenAI;
          constructor(options: { baseURL?: string }) {
            this.speech = new OpenAI({ baseURL: options.baseURL });
          }
          say(input: string) {
            return this.speech.audio.speech.create({ model: "tts-1", voice: "alloy", input });
          }
        }
        """, """
        import OpenAI from "openai";

        export class Voice {
          private speech: OpenAI;
          constructor(options: { baseURL?: string }) {
            // migrate: this OpenAI client talks to an endpoint the code computes (baseURL comes from `options.baseURL`): left as it is; it only calls what vLLM does not serve (audio.speech.create): keep it on OpenAI, not on $OPENAI_BASE_URL
            this.speech = new OpenAI({ baseURL: options.baseURL });
          }
          say(input: string) {
            return this.speech.audio.speech.create({ model: "tts-1", voice: "alloy", input });
          }
        }
        """, id="OAI001-ts-computed-endpoint-field-client-only-for-unserved-calls-is-kept-on-openai", name="voice.ts",
        review=[("OAI001", 7, "it only calls what vLLM does not serve (audio.speech.create): keep it on OpenAI")]),
    case("OAI001", """
        import OpenAI from "openai";

        export class TTS {
          #client: OpenAI;
          constructor(opts: { client?: OpenAI; baseURL?: string; apiKey?: string }) {
            this.#client =
              opts.client ||
              new OpenAI({
                baseURL: opts.baseURL,
                apiKey: opts.apiKey,
              });
          }
          synthesize(input: string) {
            return this.#client.audio.speech.create({ model: "tts-1", voice: "alloy", input });
          }
        }
        """, """
        import OpenAI from "openai";

        export class TTS {
          #client: OpenAI;
          constructor(opts: { client?: OpenAI; baseURL?: string; apiKey?: string }) {
            this.#client =
              opts.client ||
              // migrate: this OpenAI client talks to an endpoint the code computes (baseURL comes from `opts.baseURL`): left as it is; it only calls what vLLM does not serve (audio.speech.create): keep it on OpenAI, not on $OPENAI_BASE_URL
              new OpenAI({
                baseURL: opts.baseURL,
                apiKey: opts.apiKey,
              });
          }
          synthesize(input: string) {
            return this.#client.audio.speech.create({ model: "tts-1", voice: "alloy", input });
          }
        }
        """, id="OAI001-ts-injected-client-default-only-for-unserved-calls-is-kept-on-openai", name="tts.ts",
        review=[("OAI001", 9, "it only calls what vLLM does not serve (audio.speech.create): keep it on OpenAI")]),
    case("OAI001,OAI009", """
        import OpenAI from "openai";

        export class Integration {
          constructor(private options: { apiKey: string; baseURL?: string }) {}
          clone() {
            return new OpenAI({ apiKey: this.options.apiKey, baseURL: this.options.baseURL ?? "https://api.openai.com/v1" });
          }
        }
        """, """
        import OpenAI from "openai";

        export class Integration {
          constructor(private options: { apiKey: string; baseURL?: string }) {}
          clone() {
            return new OpenAI({ apiKey: this.options.apiKey, baseURL: this.options.baseURL ?? (process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1") });
          }
        }
        """, id="OAI001-ts-base-url-option-with-openai-fallback-falls-back-to-vllm", name="integration.ts"),
    case("OAI001", """
        import { Configuration, OpenAIApi } from "openai-edge";

        export const openai = new OpenAIApi(
          new Configuration({ apiKey: process.env.OPENAI_API_KEY }),
          process.env.OPENAI_API_BASE,
        );

        export const ask = (prompt: string) =>
          openai.createChatCompletion({ model: "gpt-3.5-turbo", messages: [{ role: "user", content: prompt }] });
        export const draw = (client: OpenAIApi, prompt: string) => client.createImage({ prompt });
        """, """
        import { Configuration, OpenAIApi } from "openai-edge";

        // migrate: openai-edge now reads $OPENAI_BASE_URL (basePath): it keeps the v3 API; openai-edge is deprecated: openai@^4 (new OpenAI({ baseURL, apiKey })) runs on the edge too, and the AI SDK's createOpenAI({ baseURL }) replaces OpenAIStream
        export const openai = new OpenAIApi(
          new Configuration({ apiKey: process.env.OPENAI_API_KEY ?? "EMPTY" }),
          process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
        );

        export const ask = (prompt: string) =>
          openai.createChatCompletion({ model: "gpt-3.5-turbo", messages: [{ role: "user", content: prompt }] });
        // migrate: createImage (images.generate): this module's openai-edge client now talks to $OPENAI_BASE_URL, and vLLM serves no such route: keep this call on OpenAI through a client of its own (basePath from $OPENAI_UPSTREAM_BASE_URL, OpenAI's key)
        export const draw = (client: OpenAIApi, prompt: string) => client.createImage({ prompt });
        """, id="OAI001-js-openai-edge-base-path-argument-and-unserved-call", name="edge.ts",
        review=[("OAI001", 4, "openai-edge now reads $OPENAI_BASE_URL (basePath)"),
                ("OAI001", 12, "createImage (images.generate): this module's openai-edge client now talks to")]),
    case("OAI001", """
        import { Configuration, OpenAIApi } from "openai-edge";
        import { getEnvVar } from "./util";

        export const openai = new OpenAIApi(new Configuration({ apiKey: getEnvVar("OPENAI_API_KEY") }), getEnvVar("OPENAI_API_BASE") || undefined);
        """, """
        import { Configuration, OpenAIApi } from "openai-edge";
        import { getEnvVar } from "./util";

        // migrate: this openai-edge client's base URL is OpenAIApi's second argument (`getEnvVar("OPENAI_API_BASE") || undefined`): set it from $OPENAI_BASE_URL (a Configuration basePath would override it)
        export const openai = new OpenAIApi(new Configuration({ apiKey: getEnvVar("OPENAI_API_KEY") }), getEnvVar("OPENAI_API_BASE") || undefined);
        """, id="OAI001-js-openai-edge-computed-base-path-argument-for-review", name="edge2.ts",
        review=[("OAI001", 5, "OpenAIApi's second argument")]),
    case("OAI001", """
        import { OpenAI as Client } from "openai";

        export class FixedOpenAI extends Client {
          constructor(options: { apiKey: string; baseURL?: string }) {
            super({ ...options, defaultHeaders: { "x-fixed": "1" } });
          }
        }
        export class SpyOpenAI extends Client {}

        export async function ask(client: Client, prompt: string) {
          return client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] });
        }
        """, """
        import { OpenAI as Client } from "openai";

        // migrate: `FixedOpenAI` extends the OpenAI client: the rewrite does not repoint its constructions (here or in other modules); check what its constructor passes to super() (another provider's or a gateway's baseURL stays), else set baseURL from $OPENAI_BASE_URL
        export class FixedOpenAI extends Client {
          constructor(options: { apiKey: string; baseURL?: string }) {
            super({ ...options, defaultHeaders: { "x-fixed": "1" } });
          }
        }
        export class SpyOpenAI extends Client {}

        export async function ask(client: Client, prompt: string) {
          return client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] });
        }
        """, id="OAI001-ts-subclass-of-the-client-for-review-test-double-left", name="fixed.ts",
        review=[("OAI001", 4, "`FixedOpenAI` extends the OpenAI client: the rewrite does not repoint")]),
    case("OAI001", """
        const { generateText } = require("ai");
        const { openai } = require("@ai-sdk/openai");

        exports.run = () => generateText({ model: openai("gpt-4o"), prompt: "hi" });
        """, """
        const { generateText } = require("ai");
        const { openai } = require("@ai-sdk/openai");

        // migrate: the AI SDK's default `openai` provider is not imported here with an ES import: create the provider with createOpenAI({ baseURL, apiKey }) reading $OPENAI_BASE_URL where it comes from
        exports.run = () => generateText({ model: openai("gpt-4o"), prompt: "hi" });
        """, id="OAI001-js-ai-sdk-provider-from-require", name="run.cjs",
        review=[("OAI001", 5, "createOpenAI")]),
    case("OAI001", """
        // new OpenAI() in a comment, and a string: "new OpenAI()"
        import Groq from "groq-sdk";
        const groq = new Groq();
        """, None, id="OAI001-js-no-openai-use"),
]


@pytest.mark.parametrize("c", CASES)
def test_oai001_js(c):
    check_case(c)
