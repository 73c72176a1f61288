// Raw HTTP to the REST API, base URL in a constant.
const OPENAI_BASE = "https://api.openai.com/v1";

export async function moderate(input) {
  const res = await fetch(`${OPENAI_BASE}/moderations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${process.env.OPENAI_API_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ model: "omni-moderation-latest", input }),
  });
  return res.json();
}
