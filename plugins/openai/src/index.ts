import { definePlugin } from '@aof/api';

/**
 * OpenAI Chat Completions and everything that speaks it: `openai:gpt-4o`, `ollama:llama3.1`
 * (local default URL), or any other compatible server (vLLM, LM Studio) through `base_url`.
 */
export const openaiPlugin = definePlugin({
  name: 'openai',
  kind: 'model',
  version: '0.1.0',
  init: () => ({ providers: ['openai', 'ollama'], module: new URL('./worker.js', import.meta.url).href }),
});

export default openaiPlugin;
