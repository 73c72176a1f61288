"""The EU deployment runs on Azure OpenAI."""

import os

from openai import AzureOpenAI


def make_azure_client() -> AzureOpenAI:
    return AzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_version="2024-06-01",
        api_key=os.getenv("AZURE_OPENAI_API_KEY"),
    )


def answer_eu(question: str) -> str:
    client = make_azure_client()
    response = client.chat.completions.with_raw_response.create(
        model="support-gpt4o-eu",
        messages=[{"role": "user", "content": question}],
    )
    return response.parse().choices[0].message.content
