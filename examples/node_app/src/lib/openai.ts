// The shared client: every route imports it from "@/lib/openai".
import OpenAI from "openai";

export const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

export const CHAT_MODEL = process.env.CHAT_MODEL ?? "gpt-4o-mini";
export const EMBEDDING_MODEL = "text-embedding-3-small";

export function getClient(): OpenAI {
  return openai;
}
