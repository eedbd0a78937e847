/** Translation between the sandbox's chat shapes and Anthropic Messages API JSON. */
import { ModelError, type ChatMessage, type ModelResponse, type ToolCall, type ToolSpec } from '@aof/api';

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string };

interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

/**
 * Tool results travel as user messages, and the API wants roles to alternate, so consecutive
 * messages of one role (several tool results, a tool result then the next user text) are merged.
 * System messages in the list are left out: the system prompt has its own field.
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): AnthropicMessage[] {
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    const converted = toAnthropicMessage(message);
    if (converted === undefined) continue;
    const previous = out.at(-1);
    if (previous?.role === converted.role) previous.content.push(...converted.content);
    else out.push(converted);
  }
  return out;
}

function toAnthropicMessage(message: ChatMessage): AnthropicMessage | undefined {
  switch (message.role) {
    case 'system':
      return undefined;
    case 'user':
      return { role: 'user', content: [{ type: 'text', text: message.content }] };
    case 'tool':
      return { role: 'user', content: [{ type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.content }] };
    case 'assistant': {
      // The API rejects empty text blocks, and an assistant turn with no blocks at all.
      const content: ContentBlock[] = message.content === '' ? [] : [{ type: 'text', text: message.content }];
      for (const call of message.toolCalls ?? []) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
      return content.length === 0 ? undefined : { role: 'assistant', content };
    }
  }
}

export function toAnthropicTools(tools: readonly ToolSpec[]): unknown[] {
  return tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters }));
}

interface AnthropicReply {
  content?: unknown;
  usage?: { input_tokens?: unknown; output_tokens?: unknown };
}

export function fromAnthropicReply(json: unknown): ModelResponse {
  const reply = json as AnthropicReply | null;
  if (!Array.isArray(reply?.content)) throw new ModelError('bad_response', 'model provider anthropic returned no content');
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const raw of reply.content as unknown[]) {
    const block = raw as Partial<{ type: string; text: unknown; id: unknown; name: unknown; input: unknown }> | null;
    if (block?.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    if (block?.type === 'tool_use') {
      if (typeof block.name !== 'string') throw new ModelError('bad_response', 'model provider anthropic returned a tool_use without a name');
      const input = typeof block.input === 'object' && block.input !== null ? (block.input as Record<string, unknown>) : {};
      toolCalls.push({ id: typeof block.id === 'string' ? block.id : `toolu_${toolCalls.length}`, name: block.name, arguments: input });
    }
  }
  return {
    content: texts.join('\n'),
    toolCalls,
    usage: { inputTokens: Number(reply.usage?.input_tokens) || 0, outputTokens: Number(reply.usage?.output_tokens) || 0 },
  };
}
