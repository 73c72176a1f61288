"""OAI003 model-map on JS/TS: model names sent to OpenAI go through the model map, in place and across modules."""

from __future__ import annotations

import textwrap

import pytest

from migrate.config import load_config
from migrate.rewrite import plan_rewrite
from tests.rewrite.javascript.cases import case, check_case

CASES = [
    case("OAI003", """
        import OpenAI from "openai";
        const client = new OpenAI();
        await client.chat.completions.create({ model: "gpt-4o", messages: [] });
        """, """
        import OpenAI from "openai";
        const client = new OpenAI();
        await client.chat.completions.create({ model: "meta-llama/Llama-3.1-8B-Instruct", messages: [] });
        """, id="OAI003-js-call-literal"),
    case("OAI003", """
        import OpenAI from "openai";
        const client = new OpenAI();
        const MODEL = process.env.CHAT_MODEL ?? 'gpt-4o-mini';
        export const ask = (q: string) => client.chat.completions.create({ model: MODEL, messages: [] });
        """, """
        import OpenAI from "openai";
        const client = new OpenAI();
        const MODEL = process.env.CHAT_MODEL ?? 'tiny-llama';
        export const ask = (q: string) => client.chat.completions.create({ model: MODEL, messages: [] });
        """, id="OAI003-js-constant-with-env-fallback"),
    case("OAI003", """
        import OpenAI from "openai";
        export class Assistant {
          private client = new OpenAI();
          constructor(private readonly model = "gpt-4o") {}
          answer(input: string) {
            return this.client.responses.create({ model: this.model, input });
          }
        }
        """, """
        import OpenAI from "openai";
        export class Assistant {
          private client = new OpenAI();
          constructor(private readonly model = "meta-llama/Llama-3.1-8B-Instruct") {}
          answer(input: string) {
            return this.client.responses.create({ model: this.model, input });
          }
        }
        """, id="OAI003-js-parameter-property-default"),
    case("OAI003", """
        import { generateText } from "ai";
        import { openai } from "@ai-sdk/openai";
        export const run = () => generateText({ model: openai.chat("gpt-3.5-turbo"), prompt: "hi" });
        """, """
        import { generateText } from "ai";
        import { openai } from "@ai-sdk/openai";
        export const run = () => generateText({ model: openai.chat("tiny-llama"), prompt: "hi" });
        """, id="OAI003-js-ai-sdk-model-id"),
    case("OAI003", """
        import { generateText, streamText } from "ai";
        import { openai } from "@ai-sdk/openai";
        const model = openai("gpt-4o-mini");
        export const run = () => generateText({ model, prompt: "hi" });
        const chat = openai.chat("gpt-4o");
        export const stream = () => streamText({ model: chat, prompt: "hi" });
        """, """
        import { generateText, streamText } from "ai";
        import { openai } from "@ai-sdk/openai";
        const model = openai("tiny-llama");
        export const run = () => generateText({ model, prompt: "hi" });
        const chat = openai.chat("meta-llama/Llama-3.1-8B-Instruct");
        export const stream = () => streamText({ model: chat, prompt: "hi" });
        """, id="OAI003-ts-ai-sdk-model-in-a-constant"),
    case("OAI003", """
        import { generateText } from "ai";
        import { openai } from "@ai-sdk/openai";
        const model = openai("o3-pro");
        export const run = () => generateText({ model, prompt: "hi" });
        """, None, id="OAI003-ts-ai-sdk-unmapped-model-in-a-constant",
        review=[("OAI003", 3, "model 'o3-pro' has no entry in the model map")]),
    case("OAI003", """
        import OpenAI from "openai";
        const client = new OpenAI();
        await client.embeddings.create({ model: "text-embedding-3-small", input: "x" });
        """, None, id="OAI003-js-unmapped-model-for-review",
        review=[("OAI003", 3, "has no entry in the model map")]),
    case("OAI003", """
        import OpenAI from "openai";
        const client = new OpenAI();
        await client.images.generate({ model: "gpt-4o", prompt: "a cat" });
        """, None, id="OAI003-js-unserved-endpoint-keeps-openai-model"),
    case("OAI003", """
        import OpenAI from "openai";
        const groq = new OpenAI({ baseURL: "https://api.groq.com/openai/v1", apiKey: process.env.GROQ_API_KEY });
        await groq.chat.completions.create({ model: "gpt-4o", messages: [] });
        """, None, id="OAI003-js-other-provider-keeps-its-models"),
    case("OAI003", """
        import { Configuration, OpenAIApi } from "openai-edge";
        const groq = new OpenAIApi(new Configuration({ basePath: "https://api.groq.com/openai/v1", apiKey: process.env.GROQ_API_KEY }));
        export const ask = () => groq.createChatCompletion({ model: "gpt-4o", messages: [] });
        """, None, id="OAI003-js-openai-edge-other-provider-keeps-models", name="edge.ts",
        review=[]),
    case("OAI003", """
        import { AzureChatOpenAI, ChatOpenAI } from "@langchain/openai";

        export const azure = new AzureChatOpenAI({ azureOpenAIApiDeploymentName: "gpt-4o", azureOpenAIApiVersion: "2024-10-21" });
        export const chat = new ChatOpenAI({ model: "gpt-4o" });
        """, """
        import { AzureChatOpenAI, ChatOpenAI } from "@langchain/openai";

        export const azure = new AzureChatOpenAI({ azureOpenAIApiDeploymentName: "gpt-4o", azureOpenAIApiVersion: "2024-10-21" });
        export const chat = new ChatOpenAI({ model: "meta-llama/Llama-3.1-8B-Instruct" });
        """, id="OAI003-js-azure-chat-openai-keeps-its-deployment", name="chain.ts",
        review=[]),
    case("OAI003", """
        import OpenAI from "openai";
        const client = new OpenAI();
        const settings = { model: "gpt-4o" };
        await client.chat.completions.create({ model: settings.model, messages: [] });
        """, """
        import OpenAI from "openai";
        const client = new OpenAI();
        const settings = { model: "gpt-4o" };
        // migrate: model 'gpt-4o' (literal) is not a literal the rewrite can follow here: send 'meta-llama/Llama-3.1-8B-Instruct' instead
        await client.chat.completions.create({ model: settings.model, messages: [] });
        """, id="OAI003-js-model-not-followed-for-review",
        review=[("OAI003", 5, "not a literal the rewrite can follow")]),
    case("OAI003", """
        const names = { fast: "gpt-4o" };  // not sent anywhere
        console.log("gpt-4o");
        """, None, id="OAI003-js-strings-not-sent-are-data"),
]


@pytest.mark.parametrize("c", CASES)
def test_oai003_js(c):
    check_case(c)


def test_constants_other_modules_send_are_mapped_where_declared(tmp_path):
    files = {
        "package.json": '{"name": "app", "migrate": {"models": {"gpt-4o": "tiny-llama"}}}\n',
        "tsconfig.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}}\n',
        "src/config/models.ts": 'export const CHAT_MODEL = "gpt-4o";\nexport const OTHER = "gpt-4o";\n',
        "src/config/index.ts": 'export * from "./models";\n',
        "src/lib/client.ts": 'import OpenAI from "openai";\nexport const client = new OpenAI({ baseURL: "http://localhost:8000/v1" });\n',
        "src/route.ts": textwrap.dedent("""\
            import { client } from "@/lib/client";
            import { CHAT_MODEL } from "@/config";

            export const ask = () => client.chat.completions.create({ model: CHAT_MODEL, messages: [] });
            """),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    config = load_config(start=tmp_path)
    assert config.models == {"gpt-4o": "tiny-llama"}  # from package.json's "migrate" key
    plan = plan_rewrite([tmp_path], config=config)
    changed = {c.path: c for c in plan.changes}
    assert set(changed) == {"src/config/models.ts"}, plan.diff()
    # only the constant another module sends as a model is mapped; OTHER is data
    assert changed["src/config/models.ts"].after == 'export const CHAT_MODEL = "tiny-llama";\nexport const OTHER = "gpt-4o";\n'
