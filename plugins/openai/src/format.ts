/** Translation between the sandbox's chat shapes and OpenAI Chat Completions JSON. */
import { ModelError, type ChatMessage, type ModelResponse, type ToolCall, type ToolSpec } from '@aof/api';

type OpenAiMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAiToolCall[] }
  | { role: 'tool'; content: string; tool_call_id: string };

interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export function toOpenAiMessages(system: string | undefined, messages: readonly ChatMessage[]): OpenAiMessage[] {
  const out: OpenAiMessage[] = system === undefined || system === '' ? [] : [{ role: 'system', content: system }];
  for (const message of messages) {
    if (message.role === 'tool') {
      out.push({ role: 'tool', content: message.content, tool_call_id: message.toolCallId ?? '' });
    } else if (message.role === 'assistant') {
      const calls = message.toolCalls ?? [];
      out.push(calls.length === 0
        ? { role: 'assistant', content: message.content }
        : { role: 'assistant', content: message.content === '' ? null : message.content, tool_calls: calls.map(toOpenAiToolCall) });
    } else {
      out.push({ role: message.role, content: message.content });
    }
  }
  return out;
}

function toOpenAiToolCall(call: ToolCall): OpenAiToolCall {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } };
}

export function toOpenAiTools(tools: readonly ToolSpec[]): unknown[] {
  return tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } }));
}

interface OpenAiCompletion {
  choices?: Array<{ message?: { content?: unknown; tool_calls?: unknown } }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
}

export function fromOpenAiCompletion(provider: string, json: unknown): ModelResponse {
  const message = (json as OpenAiCompletion | null)?.choices?.[0]?.message;
  if (message === undefined) throw new ModelError('bad_response', `model provider ${provider} returned no choices`);
  const rawCalls = Array.isArray(message.tool_calls) ? (message.tool_calls as unknown[]) : [];
  const usage = (json as OpenAiCompletion).usage;
  return {
    content: typeof message.content === 'string' ? message.content : '',
    toolCalls: rawCalls.map((raw, index) => fromOpenAiToolCall(provider, raw, index)),
    usage: { inputTokens: Number(usage?.prompt_tokens) || 0, outputTokens: Number(usage?.completion_tokens) || 0 },
  };
}

function fromOpenAiToolCall(provider: string, raw: unknown, index: number): ToolCall {
  const call = raw as Partial<OpenAiToolCall> | null;
  const name = call?.function?.name;
  if (typeof name !== 'string') throw new ModelError('bad_response', `model provider ${provider} returned a tool call without a name`);
  return { id: typeof call?.id === 'string' ? call.id : `call_${index}`, name, arguments: parseArguments(call?.function?.arguments) };
}

/**
 * Models sometimes emit invalid JSON arguments. An empty object lets the tool answer "needs args"
 * and the model try again, which beats failing the whole task.
 */
function parseArguments(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
