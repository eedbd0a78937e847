import { definePlugin } from '@aof/api';
import { OPENAI_DEFAULTS } from './defaults.js';

/**
 * OpenAI Chat Completions and everything that speaks it: `openai:gpt-4o`, `ollama:llama3.1`
 * (local default URL), or any other compatible server (vLLM, LM Studio) through `base_url`.
 */
export const openaiPlugin = definePlugin({
  name: 'openai',
  kind: 'model',
  version: '0.1.0',
  init: () => ({
    providers: Object.keys(OPENAI_DEFAULTS),
    module: new URL('./worker.js', import.meta.url).href,
    defaultBaseUrls: Object.fromEntries(Object.entries(OPENAI_DEFAULTS).map(([provider, d]) => [provider, d.baseUrl])),
  }),
});

export default openaiPlugin;
