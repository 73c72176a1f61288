export * from "./openai";
export { openai as defaultClient } from "./openai";
