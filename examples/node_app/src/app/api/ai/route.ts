// Vercel AI SDK route: streamText with the OpenAI provider.
import { streamText, generateObject } from "ai";
import { openai, createOpenAI } from "@ai-sdk/openai";
import { z } from "zod";

const gateway = createOpenAI({ baseURL: process.env.LLM_BASE_URL, apiKey: process.env.LLM_API_KEY });

export async function POST(req: Request) {
  const { messages } = await req.json();
  const result = streamText({ model: openai("gpt-4o"), messages, maxTokens: 512, temperature: 0.7 });
  return result.toTextStreamResponse();
}

export async function classify(text: string) {
  const { object } = await generateObject({
    model: gateway.chat("gpt-4o-mini"),
    schema: z.object({ label: z.string() }),
    prompt: text,
  });
  return object;
}
