// openai-node v3 (CommonJS): Configuration / OpenAIApi
const { Configuration, OpenAIApi } = require("openai");

const configuration = new Configuration({ apiKey: process.env.OPENAI_API_KEY });
const openai = new OpenAIApi(configuration);

async function complete(prompt) {
  const response = await openai.createChatCompletion({
    model: "gpt-3.5-turbo",
    messages: [{ role: "user", content: prompt }],
    functions: [{ name: "lookup", parameters: { type: "object", properties: {} } }],
  });
  return response.data.choices[0].message;
}

module.exports = { complete };
