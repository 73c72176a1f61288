"""OAI009 hardcoded-urls on JS/TS: api.openai.com URLs that requests go to read the configured base URL."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript.cases import BASE, case, check_case

CASES = [
    case("OAI009", """
        export const chat = (body) =>
          fetch("https://api.openai.com/v1/chat/completions", { method: "POST", body: JSON.stringify(body) });
        """, f"""
        export const chat = (body) =>
          fetch(`${{{BASE}}}/chat/completions`, {{ method: "POST", body: JSON.stringify(body) }});
        """, id="OAI009-js-fetch-literal", name="http.js"),
    case("OAI009", """
        import axios from "axios";
        const OPENAI_API_BASE = "https://api.openai.com/v1";
        export const embed = (input) => axios.post(`${OPENAI_API_BASE}/embeddings`, { model: "m", input });
        """, f"""
        import axios from "axios";
        const OPENAI_API_BASE = {BASE};
        export const embed = (input) => axios.post(`${{OPENAI_API_BASE}}/embeddings`, {{ model: "m", input }});
        """, id="OAI009-js-base-constant-in-template"),
    case("OAI009", """
        import ky from "ky";
        const api = ky.create({ prefixUrl: "https://api.openai.com/v1" });
        export const list = () => api.get("models").json();
        """, f"""
        import ky from "ky";
        // migrate: prefixUrl: an api.openai.com URL no request in this module was seen to use, read from $OPENAI_BASE_URL for its name: the requests built on it must send model names vLLM serves
        const api = ky.create({{ prefixUrl: {BASE} }});
        export const list = () => api.get("models").json();
        """, id="OAI009-js-http-client-prefix",
        review=[("OAI009", 3, "prefixUrl: an api.openai.com URL no request in this module was seen to use")]),
    case("OAI009", """
        export const call = (route: string) => fetch(`https://api.openai.com/v1/${route}`, { method: "POST" });
        """, f"""
        export const call = (route: string) => fetch(`${{{BASE}}}/${{route}}`, {{ method: "POST" }});
        """, id="OAI009-js-template-with-substitution"),
    case("OAI009", """
        const OPENAI_BASE = "https://api.openai.com/v1";
        export const moderate = (input) => fetch(`${OPENAI_BASE}/moderations`, { method: "POST" });
        """, """
        const OPENAI_BASE = "https://api.openai.com/v1";
        // migrate: POST /v1/moderations is not served by vLLM: this request must keep going to https://api.openai.com/v1 with OpenAI's key (check its URL if a constant it shares was pointed at vLLM)
        export const moderate = (input) => fetch(`${OPENAI_BASE}/moderations`, { method: "POST" });
        """, id="OAI009-js-unserved-route-stays", name="raw.js",
        review=[("OAI009", 3, "POST /v1/moderations is not served by vLLM")]),
    case("OAI009", """
        import nock from "nock";
        nock("https://api.openai.com").post("/v1/chat/completions").reply(200, {});
        """, None, id="OAI009-js-http-mock-reported", name="setup.js",
        review=[("OAI009", 2, "HTTP mock")]),
    case("OAI009", """
        const OPENAI_HOST = "https://api.openai.com";
        export const chat = (body) => fetch(OPENAI_HOST + "/v1/chat/completions", { method: "POST", body });
        """, """
        // migrate: https://api.openai.com without /v1: the code adds the API version itself; point it at the vLLM server ($OPENAI_BASE_URL without /v1) by hand
        const OPENAI_HOST = "https://api.openai.com";
        export const chat = (body) => fetch(OPENAI_HOST + "/v1/chat/completions", { method: "POST", body });
        """, id="OAI009-js-bare-host-for-review", name="host.js",
        review=[("OAI009", 2, "without /v1")]),
    case("OAI009", """
        // Docs: https://api.openai.com/v1
        const HELP = "see https://api.openai.com/v1 for details";
        export const note = () => console.log(HELP);
        """, None, id="OAI009-js-prose-is-data", name="help.js"),
    case("OAI009", """
        export class ChatAPI {
          constructor(opts) {
            const { apiKey, apiBaseUrl = "https://api.openai.com/v1" } = opts;
            this._apiKey = apiKey;
            this._apiBaseUrl = apiBaseUrl;
          }
        }
        """, f"""
        export class ChatAPI {{
          constructor(opts) {{
            // migrate: apiBaseUrl: an api.openai.com URL no request in this module was seen to use, read from $OPENAI_BASE_URL for its name: the requests built on it must send model names vLLM serves
            const {{ apiKey, apiBaseUrl = {BASE} }} = opts;
            this._apiKey = apiKey;
            this._apiBaseUrl = apiBaseUrl;
          }}
        }}
        """, id="OAI009-js-destructuring-default", name="chatgpt.js",
        review=[("OAI009", 4, "apiBaseUrl: an api.openai.com URL no request in this module was seen to use")]),
    case("OAI009", """
        export async function chat(body: object, baseUrl: string = "https://api.openai.com/v1/chat/completions") {
          return fetch(baseUrl, { method: "POST", body: JSON.stringify(body) });
        }
        export const embed = ({ input, apiBase = "https://api.openai.com/v1" }: { input: string; apiBase?: string }) =>
          fetch(`${apiBase}/embeddings`, { method: "POST", body: JSON.stringify({ input }) });
        """, f"""
        export async function chat(body: object, baseUrl: string = `${{{BASE}}}/chat/completions`) {{
          return fetch(baseUrl, {{ method: "POST", body: JSON.stringify(body) }});
        }}
        // migrate: apiBase: an api.openai.com URL no request in this module was seen to use, read from $OPENAI_BASE_URL for its name: the requests built on it must send model names vLLM serves
        export const embed = ({{ input, apiBase = {BASE} }}: {{ input: string; apiBase?: string }}) =>
          fetch(`${{apiBase}}/embeddings`, {{ method: "POST", body: JSON.stringify({{ input }}) }});
        """, id="OAI009-ts-parameter-defaults",
        review=[("OAI009", 5, "apiBase: an api.openai.com URL no request in this module was seen to use")]),
    case("OAI009", """
        export class ChatClient {
          setOptions(options) {
            if (options.reverseProxyUrl) {
              this.completionsUrl = options.reverseProxyUrl;
            } else if (options.chat) {
              this.completionsUrl = "https://api.openai.com/v1/chat/completions";
            } else {
              this.completionsUrl = "https://api.openai.com/v1/completions";
            }
            this.settings["moderationsUrl"] = "https://api.openai.com/v1/moderations";
            apiBase = "https://api.openai.com/v1";
            process.env.OPENAI_BASE_URL = "https://api.openai.com/v1";
          }
        }
        """, f"""
        export class ChatClient {{
          setOptions(options) {{
            if (options.reverseProxyUrl) {{
              this.completionsUrl = options.reverseProxyUrl;
            }} else if (options.chat) {{
              // migrate: completionsUrl: an api.openai.com URL no request in this module was seen to use, read from $OPENAI_BASE_URL for its name: the requests built on it must send model names vLLM serves
              this.completionsUrl = `${{{BASE}}}/chat/completions`;
            }} else {{
              // migrate: completionsUrl: an api.openai.com URL no request in this module was seen to use, read from $OPENAI_BASE_URL for its name: the requests built on it must send model names vLLM serves
              this.completionsUrl = `${{{BASE}}}/completions`;
            }}
            // migrate: moderationsUrl: https://api.openai.com/v1/moderations is a route vLLM does not serve: left on OpenAI
            this.settings["moderationsUrl"] = "https://api.openai.com/v1/moderations";
            // migrate: apiBase: an api.openai.com URL no request in this module was seen to use, read from $OPENAI_BASE_URL for its name: the requests built on it must send model names vLLM serves
            apiBase = {BASE};
            // migrate: OPENAI_BASE_URL is set to OpenAI's URL here, and the SDKs read it: set it to the vLLM server's URL ($OPENAI_BASE_URL where it runs), or remove it
            process.env.OPENAI_BASE_URL = "https://api.openai.com/v1";
          }}
        }}
        """, id="OAI009-js-url-assigned-to-a-property-or-variable", name="client.js",
        review=[("OAI009", 7, "completionsUrl: an api.openai.com URL no request in this module was seen to use"),
                ("OAI009", 10, "completionsUrl: an api.openai.com URL no request in this module was seen to use"),
                ("OAI009", 13, "moderationsUrl: https://api.openai.com/v1/moderations is a route vLLM does not"),
                ("OAI009", 15, "apiBase: an api.openai.com URL no request in this module was seen to use"),
                ("OAI009", 17, "OPENAI_BASE_URL is set to OpenAI's URL here, and the SDKs read it")]),
    case("OAI009", """
        export function links(page) {
          page.href = "https://api.openai.com/v1";
          page.docs = "https://api.openai.com/v1";
          page.title = page.href === "https://api.openai.com/v1" ? "OpenAI" : "";
        }
        """, None, id="OAI009-js-url-assigned-to-another-name-is-data", name="page.js"),
    case("OAI009", """
        export const BASE_URL = "wss://api.openai.com/v1";
        export const DOCS = "wss://api.openai.com/v1/realtime";
        """, """
        // migrate: BASE_URL: wss://api.openai.com/v1 is a WebSocket URL of OpenAI's Realtime API: left on OpenAI; vLLM serves /v1/realtime only when the server runs a realtime speech-to-text model (no speech-to-speech sessions): serve a realtime-capable speech-to-text model in its own vLLM server and point this URL at its ws:// address by hand
        export const BASE_URL = "wss://api.openai.com/v1";
        export const DOCS = "wss://api.openai.com/v1/realtime";
        """, id="OAI009-ts-realtime-websocket-base-stays-for-review", name="api_proto.ts",
        review=[("OAI009", 2, "BASE_URL: wss://api.openai.com/v1 is a WebSocket URL of OpenAI's Realtime API")]),
    case("OAI009", """
        export function open(link = "https://api.openai.com/v1", { docs = "https://api.openai.com/v1" } = {}) {
          return [link, docs];
        }
        """, None, id="OAI009-js-default-of-another-name", name="links.js"),
    case("OAI009", """
        export const defaultLLMOptions = { apiBaseUrl: "https://api.openai.com/v1", docs: "https://api.openai.com/v1" };
        export const load = (conf) => ({
          apiEndpoint: conf.API_ENDPOINT ?? "https://api.openai.com/v1/chat/completions",
          note: conf.NOTE ?? "https://api.openai.com/v1",
        });
        const OPENAI_ROOT = process.env.ROOT || "https://api.openai.com/v1";
        """, f"""
        // migrate: apiBaseUrl: an api.openai.com URL no request in this module was seen to use, read from $OPENAI_BASE_URL for its name: the requests built on it must send model names vLLM serves
        export const defaultLLMOptions = {{ apiBaseUrl: {BASE}, docs: "https://api.openai.com/v1" }};
        // migrate: apiEndpoint: an api.openai.com URL no request in this module was seen to use, read from $OPENAI_BASE_URL for its name: the requests built on it must send model names vLLM serves
        export const load = (conf) => ({{
          apiEndpoint: conf.API_ENDPOINT ?? `${{{BASE}}}/chat/completions`,
          note: conf.NOTE ?? "https://api.openai.com/v1",
        }});
        // migrate: OPENAI_ROOT: an api.openai.com URL no request in this module was seen to use, read from $OPENAI_BASE_URL for its name: the requests built on it must send model names vLLM serves
        const OPENAI_ROOT = process.env.ROOT || ({BASE});
        """, id="OAI009-js-base-url-keys-and-fallbacks", name="config.js",
        review=[("OAI009", 2, "apiBaseUrl: "), ("OAI009", 4, "apiEndpoint: "), ("OAI009", 9, "OPENAI_ROOT: ")]),
    case("OAI009", """
        const REALTIME_URL = "https://api.openai.com/v1/realtime";
        export const connect = (sdp, model) => fetch(`${REALTIME_URL}?model=${model}`, { method: "POST", body: sdp });
        export const OPENAI_REALTIME_SESSIONS_URL = "https://api.openai.com/v1/realtime/sessions";
        """, """
        const REALTIME_URL = "https://api.openai.com/v1/realtime";
        // migrate: POST /v1/realtime is not served by vLLM: this request must keep going to https://api.openai.com/v1 with OpenAI's key (check its URL if a constant it shares was pointed at vLLM)
        export const connect = (sdp, model) => fetch(`${REALTIME_URL}?model=${model}`, { method: "POST", body: sdp });
        // migrate: OPENAI_REALTIME_SESSIONS_URL: https://api.openai.com/v1/realtime/sessions is a route vLLM does not serve: left on OpenAI
        export const OPENAI_REALTIME_SESSIONS_URL = "https://api.openai.com/v1/realtime/sessions";
        """, id="OAI009-js-route-no-sdk-endpoint-has-stays", name="realtime.js",
        review=[("OAI009", 3, "POST /v1/realtime is not served by vLLM"),
                ("OAI009", 5, "a route vLLM does not serve")]),
    case("OAI001,OAI009", """
        import OpenAI from "openai";
        const client = new OpenAI({ timeout: 5 });
        const upstream = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
        export const draw = (prompt: string) => client.images.generate({ model: "dall-e-3", prompt });
        export const ask = (prompt: string) => client.chat.completions.create({ model: "gpt-4o", messages: [] });
        export const info = (model: string) => upstream.models.retrieve(model);
        const OPENAI_UPSTREAM = process.env.OPENAI_UPSTREAM_BASE_URL || "https://api.openai.com/v1";
        """, """
        import OpenAI from "openai";
        const client = new OpenAI({
          timeout: 5,
          baseURL: process.env.OPENAI_BASE_URL ?? "http://localhost:8000/v1",
          apiKey: process.env.OPENAI_API_KEY ?? "EMPTY",
        });
        // migrate: openaiClient keeps talking to OpenAI for what vLLM does not serve: images.generate
        const openaiClient = new OpenAI({
          baseURL: process.env.OPENAI_UPSTREAM_BASE_URL ?? "https://api.openai.com/v1",
          apiKey: process.env.OPENAI_UPSTREAM_API_KEY ?? process.env.OPENAI_API_KEY,
          timeout: 5,
        });
        // migrate: this client only calls what vLLM does not serve (models.retrieve): it stays on OpenAI, pinned to $OPENAI_UPSTREAM_BASE_URL
        const upstream = new OpenAI({
          apiKey: process.env.OPENAI_UPSTREAM_API_KEY ?? process.env.OPENAI_API_KEY,
          baseURL: process.env.OPENAI_UPSTREAM_BASE_URL ?? "https://api.openai.com/v1",
        });
        // migrate: images.generate stays on OpenAI (vLLM 0.32.0 serves no POST /v1/images/generations route): it goes through `openaiClient`, pinned to $OPENAI_UPSTREAM_BASE_URL
        export const draw = (prompt: string) => openaiClient.images.generate({ model: "dall-e-3", prompt });
        export const ask = (prompt: string) => client.chat.completions.create({ model: "gpt-4o", messages: [] });
        export const info = (model: string) => upstream.models.retrieve(model);
        const OPENAI_UPSTREAM = process.env.OPENAI_UPSTREAM_BASE_URL || "https://api.openai.com/v1";
        """, id="OAI009-js-upstream-fallback-of-a-client-kept-on-openai-stays", name="app.ts",
        review=[("OAI001", 14, "it stays on OpenAI"), ("OAI001", 19, "images.generate stays on OpenAI")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai009_js(c):
    check_case(c)
