"""Experiments with LangChain and LiteLLM."""

from langchain_openai import ChatOpenAI
from litellm import completion

llm = ChatOpenAI(model="gpt-4o-mini", temperature=0)


def rephrase(text: str) -> str:
    response = completion(model="gpt-4o", messages=[{"role": "user", "content": f"Rephrase politely: {text}"}])
    return response.choices[0].message.content
