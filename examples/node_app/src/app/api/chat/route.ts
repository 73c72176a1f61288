import { openai, CHAT_MODEL } from "@/lib/openai";

export async function POST(req: Request) {
  const { messages } = await req.json();
  const completion = await openai.chat.completions.create({
    model: CHAT_MODEL,
    messages,
    temperature: 0.2,
    logit_bias: { "50256": -100 },
  });
  return Response.json(completion.choices[0].message);
}
