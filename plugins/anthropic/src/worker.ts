/** Messages API with tool_use/tool_result blocks; HTTP retries and error mapping come from the sandbox (`ctx.postJson`). */
import { defineModelProvider } from '@aof/api';
import { fromAnthropicReply, toAnthropicMessages, toAnthropicTools } from './format.js';

import { ANTHROPIC_BASE_URL as DEFAULT_BASE_URL } from './defaults.js';
const DEFAULT_MODEL = 'claude-sonnet-4-5';
const API_VERSION = '2023-06-01';
/** The Messages API requires max_tokens; this applies when the agent sets none. */
const DEFAULT_MAX_TOKENS = 4096;

export default defineModelProvider({
  async complete(request, ctx) {
    // `base_url` may be given with or without the /v1 suffix.
    const baseUrl = (ctx.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
    const body: Record<string, unknown> = {
      model: request.model === '' ? DEFAULT_MODEL : request.model,
      max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
      messages: toAnthropicMessages(request.messages),
    };
    if (request.system !== undefined && request.system !== '') body.system = request.system;
    if (request.tools.length > 0) body.tools = toAnthropicTools(request.tools);
    if (request.temperature !== undefined) body.temperature = request.temperature;
    const headers: Record<string, string> = { 'anthropic-version': API_VERSION };
    if (ctx.apiKey !== undefined) headers['x-api-key'] = ctx.apiKey;
    return fromAnthropicReply(await ctx.postJson(`${baseUrl}/v1/messages`, { headers, body }));
  },
});
