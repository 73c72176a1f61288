// Another vendor's SDK with the same method names: not an OpenAI use.
import Groq from "groq-sdk";

const groq = new Groq({ apiKey: process.env.GROQ_API_KEY });

export async function fast(prompt: string) {
  // openai.chat.completions.create would look the same; this is Groq's client
  return groq.chat.completions.create({ model: "llama-3.1-8b-instant", messages: [{ role: "user", content: prompt }] });
}
