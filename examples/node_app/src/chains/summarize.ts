import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { ChatPromptTemplate } from "@langchain/core/prompts";

const model = new ChatOpenAI({ model: "gpt-4o-mini", temperature: 0 });
const embeddings = new OpenAIEmbeddings({ model: "text-embedding-3-large" });

export async function summarize(text: string) {
  const prompt = ChatPromptTemplate.fromTemplate("Summarize: {text}");
  return prompt.pipe(model).invoke({ text });
}

export { embeddings };
