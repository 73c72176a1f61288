"""OAI012 wrapper-endpoint on JS/TS: LangChain.js classes get configuration.baseURL and apiKey."""

from __future__ import annotations

import pytest

from tests.rewrite.javascript.cases import BASE, KEY, case, check_case, run_js

CASES = [
    case("OAI012", """
        import { ChatOpenAI } from "@langchain/openai";

        const model = new ChatOpenAI({ model: "gpt-4o-mini", temperature: 0 });
        """, f"""
        import {{ ChatOpenAI }} from "@langchain/openai";

        const model = new ChatOpenAI({{
          model: "gpt-4o-mini",
          temperature: 0,
          configuration: {{ baseURL: {BASE} }},
          apiKey: {KEY},
        }});
        """, id="OAI012-js-chat-openai"),
    case("OAI012", """
        import { OpenAIEmbeddings } from "@langchain/openai";

        export const embeddings = new OpenAIEmbeddings();
        """, f"""
        import {{ OpenAIEmbeddings }} from "@langchain/openai";

        // migrate: OpenAIEmbeddings now calls $OPENAI_BASE_URL: vLLM serves POST /v1/embeddings only when the server runs an embedding model: a server running a generative model answers HTTP 404; serve an embedding model in its own vLLM server (`--runner pooling`, e.g. --model BAAI/bge-small-en-v1.5; a generative checkpoint needs `--convert embed`) and send these calls to it; map the model name in [tool.migrate.models]; it sends LangChain's default model, an OpenAI embedding model name, until `model` names the served one
        export const embeddings = new OpenAIEmbeddings({{
          configuration: {{ baseURL: {BASE} }},
          apiKey: {KEY},
        }});
        """, id="OAI012-js-embeddings-no-options",
        review=[("OAI012", 4, "OpenAIEmbeddings now calls $OPENAI_BASE_URL: vLLM serves POST /v1/embeddings only "
                              "when the server runs an embedding model")]),
    case("OAI012", """
        import { OpenAIEmbeddings } from "langchain/embeddings/openai";
        import { OpenAIEmbeddings as Local } from "@langchain/openai";

        const apiKey = process.env.OPENAI_API_KEY;
        export const docs = new OpenAIEmbeddings({ openAIApiKey: apiKey, model: "text-embedding-3-small" });
        export const local = new Local({ model: "bge", configuration: { baseURL: "http://localhost:8000/v1" } });
        """, f"""
        import {{ OpenAIEmbeddings }} from "langchain/embeddings/openai";
        import {{ OpenAIEmbeddings as Local }} from "@langchain/openai";

        const apiKey = process.env.OPENAI_API_KEY;
        // migrate: OpenAIEmbeddings now calls $OPENAI_BASE_URL: vLLM serves POST /v1/embeddings only when the server runs an embedding model: a server running a generative model answers HTTP 404; serve an embedding model in its own vLLM server (`--runner pooling`, e.g. --model BAAI/bge-small-en-v1.5; a generative checkpoint needs `--convert embed`) and send these calls to it; map the model name in [tool.migrate.models]
        export const docs = new OpenAIEmbeddings({{
          openAIApiKey: apiKey,
          model: "text-embedding-3-small",
          configuration: {{ baseURL: {BASE} }},
        }});
        export const local = new Local({{ model: "bge", configuration: {{ baseURL: "http://localhost:8000/v1" }} }});
        """, id="OAI012-js-embeddings-with-a-model-and-one-already-local", name="docs.ts",
        review=[("OAI012", 6, "map the model name in [tool.migrate.models]")]),
    case("OAI012", """
        import { ChatOpenAI } from "@langchain/openai";

        const model = new ChatOpenAI({
          openAIApiKey: process.env.OPENAI_API_KEY,
          configuration: { timeout: 10 },
        });
        """, f"""
        import {{ ChatOpenAI }} from "@langchain/openai";

        const model = new ChatOpenAI({{
          openAIApiKey: process.env.OPENAI_API_KEY,
          configuration: {{
            timeout: 10,
            baseURL: {BASE},
          }},
        }});
        """, id="OAI012-js-existing-configuration"),
    case("OAI012", """
        import { ChatOpenAI } from "@langchain/openai";

        const openrouter = new ChatOpenAI({
          apiKey: process.env.OPENROUTER_API_KEY,
          configuration: { baseURL: "https://openrouter.ai/api/v1" },
        });
        """, None, id="OAI012-js-other-provider", review=[("OAI012", 3, "OpenRouter")]),
    case("OAI012,OAI003", """
        import { OpenAI } from "llamaindex";
        import { AzureChatOpenAI } from "@langchain/openai";

        export const llm = new OpenAI({ model: "gpt-4o", temperature: 0 });
        export const azure = new AzureChatOpenAI({ azureOpenAIApiDeploymentName: "gpt-4o", azureOpenAIApiVersion: "2024-10-21" });
        """, """
        import { OpenAI } from "llamaindex";
        import { AzureChatOpenAI } from "@langchain/openai";

        // migrate: OpenAI (llamaindex) is not rewritten automatically: new OpenAI({ model: "<served model>", additionalSessionOptions: { baseURL: "http://localhost:8000/v1" } }), or OpenAILike-style settings of your LlamaIndex.TS version
        export const llm = new OpenAI({ model: "gpt-4o", temperature: 0 });
        // migrate: AzureChatOpenAI (langchain) is not rewritten automatically: replace it with new ChatOpenAI({ model: "<served model>", configuration: { baseURL: "http://localhost:8000/v1" } })
        export const azure = new AzureChatOpenAI({ azureOpenAIApiDeploymentName: "gpt-4o", azureOpenAIApiVersion: "2024-10-21" });
        """, id="OAI012-js-llamaindex-and-azure-wrappers-get-review-comments", name="llm.ts",
        review=[('OAI012', 5, 'OpenAI (llamaindex) is not rewritten automatically'), ('OAI012', 7, 'AzureChatOpenAI (langchain) is not rewritten automatically')]),
    case("OAI012", """
        import { AzureChatOpenAI } from "@langchain/openai";

        const chat = new AzureChatOpenAI({ azureOpenAIApiDeploymentName: "gpt-4o" });
        """, """
        import { AzureChatOpenAI } from "@langchain/openai";

        // migrate: AzureChatOpenAI (langchain) is not rewritten automatically: replace it with new ChatOpenAI({ model: "<served model>", configuration: { baseURL: "http://localhost:8000/v1" } })
        const chat = new AzureChatOpenAI({ azureOpenAIApiDeploymentName: "gpt-4o" });
        """, id="OAI012-js-azure-class-for-review", review=[("OAI012", 4, "not rewritten automatically")]),
]


@pytest.mark.parametrize("c", CASES)
def test_oai012_js(c):
    check_case(c)


LEGACY = """\
import { ChatOpenAI } from "langchain/chat_models/openai";
import { OpenAIEmbeddings } from "langchain/embeddings/openai";

export const chat = new ChatOpenAI({ modelName: "gpt-4o", temperature: 0 });
export const embeddings = new OpenAIEmbeddings({ configuration: { timeout: 5 } });
"""
LEGACY_AFTER = """\
import {{ ChatOpenAI }} from "langchain/chat_models/openai";
import {{ OpenAIEmbeddings }} from "langchain/embeddings/openai";

export const chat = new ChatOpenAI({{
  modelName: "gpt-4o",
  temperature: 0,
  configuration: {{ {base} }},
  {key},
}});
// migrate: OpenAIEmbeddings now calls $OPENAI_BASE_URL: vLLM serves POST /v1/embeddings only when the server runs an embedding model: a server running a generative model answers HTTP 404; serve an embedding model in its own vLLM server (`--runner pooling`, e.g. --model BAAI/bge-small-en-v1.5; a generative checkpoint needs `--convert embed`) and send these calls to it; map the model name in [tool.migrate.models]; it sends LangChain's default model, an OpenAI embedding model name, until `model` names the served one
export const embeddings = new OpenAIEmbeddings({{
  configuration: {{
  timeout: 5,
  {base},
}},
  {key},
}});
"""


@pytest.mark.parametrize("langchain,installed,base_key,key_key", [
    ('"langchain": "^0.0.121"', None, "basePath", "openAIApiKey"),  # built on openai-node v3
    ('"langchain": "0.0.140"', None, "basePath", "openAIApiKey"),
    ('"langchain": "~0.0.100"', "0.0.130", "basePath", "openAIApiKey"),  # the installed version decides
    ('"langchain": "^0.0.121"', "0.0.141", "baseURL", "apiKey"),
    ('"langchain": "~0.0.121"', None, "baseURL", "apiKey"),  # may install a v4-based 0.0.x: not guessed
    ('"langchain": "^0.0.141"', None, "baseURL", "apiKey"),
    ('"langchain": "0.0.121", "@langchain/openai": "^0.0.14"', None, "baseURL", "apiKey"),
])
def test_oai012_js_langchain_on_openai_v3_gets_its_option_names(tmp_path, langchain, installed, base_key, key_key):
    (tmp_path / "package.json").write_text('{"dependencies": {' + langchain + '}}', encoding="utf-8")
    if installed:
        (tmp_path / "node_modules" / "langchain").mkdir(parents=True)
        (tmp_path / "node_modules" / "langchain" / "package.json").write_text(f'{{"version": "{installed}"}}')
    path = str(tmp_path / "src" / "llm.js")
    result = run_js(LEGACY, ["OAI012"], name="src/llm.js", path=path)
    assert result.failure is None
    assert result.after == LEGACY_AFTER.format(base=f"{base_key}: {BASE}", key=f"{key_key}: {KEY}")
    again = run_js(result.after, ["OAI012"], name="src/llm.js", path=path)
    assert again.after == result.after
