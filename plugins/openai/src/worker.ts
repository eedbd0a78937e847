/** Chat Completions with function calling; HTTP retries and error mapping come from the sandbox (`ctx.postJson`). */
import { defineModelProvider } from '@aof/api';
import { fromOpenAiCompletion, toOpenAiMessages, toOpenAiTools } from './format.js';

import { OPENAI_DEFAULTS as DEFAULTS } from './defaults.js';

const OPENAI = DEFAULTS.openai ?? { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini' };

export default defineModelProvider({
  async complete(request, ctx) {
    const defaults = DEFAULTS[ctx.provider] ?? OPENAI;
    const baseUrl = (ctx.baseUrl ?? defaults.baseUrl).replace(/\/+$/, '');
    const body: Record<string, unknown> = {
      model: request.model === '' ? defaults.model : request.model,
      messages: toOpenAiMessages(request.system, request.messages),
    };
    // Some compatible servers reject an empty `tools` array.
    if (request.tools.length > 0) body.tools = toOpenAiTools(request.tools);
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    const headers: Record<string, string> = ctx.apiKey === undefined ? {} : { authorization: `Bearer ${ctx.apiKey}` };
    const json = await ctx.postJson(`${baseUrl}/chat/completions`, { headers, body });
    return fromOpenAiCompletion(ctx.provider, json);
  },
});
