import OpenAI from "openai";

export class Assistant {
  private client: OpenAI;

  constructor(private readonly model = "gpt-4o") {
    this.client = new OpenAI();
  }

  async answer(question: string) {
    const response = await this.client.responses.create({ model: this.model, input: question, store: true });
    return response.output_text;
  }
}
