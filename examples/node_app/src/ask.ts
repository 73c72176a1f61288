// Ask one question through every shape of the app that a chat model can answer, and print one JSON line per
// shape: {"shape", "ok", "answer" | "error", "seconds"}. Exit 0 only when every shape answered.
//   npx tsx src/ask.ts "What is vLLM?"
// The shapes run side by side, each with a deadline: a client that talks to an unreachable host fails here,
// it does not hang. Embeddings (src/app/api/embed), moderations (src/services/raw.js) and the v3 worker are left
// out: they need an embedding model, an endpoint vLLM does not serve, or the openai v3 package.
import { POST as chatRoute } from "@/app/api/chat/route";
import { POST as aiRoute } from "@/app/api/ai/route";
import { Assistant } from "@/services/assistant";
import { summarize } from "@/chains/summarize";

const question = process.argv[2] ?? "Say hello in one word.";
const deadlineMs = Number(process.env.ASK_DEADLINE_MS ?? 30_000);

function post(body: unknown): Request {
  return new Request("http://localhost/api", { method: "POST", body: JSON.stringify(body) });
}

async function text(response: Response): Promise<string> {
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return response.text();
}

const shapes: Record<string, () => Promise<string>> = {
  "chat route (shared client)": async () => {
    const message = JSON.parse(await text(await chatRoute(post({ messages: [{ role: "user", content: question }] }))));
    return message.content ?? "";
  },
  "assistant (Responses API)": () => new Assistant().answer(question),
  "AI SDK route (streamText)": () => aiRoute(post({ messages: [{ role: "user", content: question }] })).then(text),
  "LangChain.js chain": async () => {
    const reply = await summarize(question);
    return typeof reply.content === "string" ? reply.content : JSON.stringify(reply.content);
  },
};

async function ask(name: string, run: () => Promise<string>) {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    // The test model has random weights: its first sampled token can end the answer. An empty answer is asked
    // again (twice at most); a shape whose endpoint is broken (streamText then streams nothing) stays empty.
    let answer = "";
    for (let attempt = 0; attempt < 3 && !answer.trim(); attempt++) answer = await Promise.race([run(), deadline]);
    if (!answer.trim()) throw new Error("empty answer (3 attempts)");
    return { shape: name, ok: true, answer, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return { shape: name, ok: false, error: `${error instanceof Error ? error.message : String(error)}${cause}`,
             seconds: (Date.now() - started) / 1000 };
  } finally {
    clearTimeout(timer);
  }
}

const results = await Promise.all(Object.entries(shapes).map(([name, run]) => ask(name, run)));
for (const result of results) console.log(JSON.stringify(result));
process.exit(results.every((r) => r.ok) ? 0 : 1);
