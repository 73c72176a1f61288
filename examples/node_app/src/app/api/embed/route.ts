import { getClient, EMBEDDING_MODEL } from "../../../lib";

export async function POST(req: Request) {
  const { input } = await req.json();
  const result = await getClient().embeddings.create({ model: EMBEDDING_MODEL, input });
  return Response.json(result.data.map((d) => d.embedding));
}
