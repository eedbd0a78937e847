/**
 * A scripted fake LLM over real HTTP, speaking OpenAI Chat Completions (`…/chat/completions`)
 * and Anthropic Messages (`…/v1/messages`). Each request takes the next step of the script and
 * is recorded for assertions. For tests of model providers, the agent loop and the kernel.
 *
 *   const llm = await startFakeLlm({ script: [{ toolCalls: [{ name: 'kubectl', arguments: { args: ['get', 'pods'] } }] }, { text: 'done' }] });
 *   // openai base_url: `${llm.url}/v1`; anthropic base_url: llm.url
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeToolCall {
  name: string;
  arguments: Record<string, unknown>;
  id?: string;
}

/** A model turn: text, tool calls or both. */
export interface FakeReplyStep {
  text?: string;
  toolCalls?: FakeToolCall[];
  usage?: { input: number; output: number };
  /** Wait this long before answering (for timeout tests). */
  delayMs?: number;
}

/** A raw HTTP answer: errors (401, 429 with retry-after, 500) or a malformed 200 body. */
export interface FakeHttpStep {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

export type FakeLlmStep = FakeReplyStep | FakeHttpStep;

export interface FakeLlmRequestBody {
  model?: string;
  system?: unknown;
  messages?: Array<Record<string, unknown>>;
  tools?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export interface FakeLlmRequest {
  format: 'openai' | 'anthropic';
  path: string;
  headers: http.IncomingHttpHeaders;
  body: FakeLlmRequestBody;
}

export interface FakeLlm {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request received, in order (also those that got an error step). */
  requests: FakeLlmRequest[];
  close(): Promise<void>;
}

const DEFAULT_USAGE = { input: 10, output: 5 };

export async function startFakeLlm(options: { script: FakeLlmStep[] }): Promise<FakeLlm> {
  const script = [...options.script];
  const requests: FakeLlmRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const format = path.endsWith('/chat/completions') ? 'openai' : path.endsWith('/v1/messages') ? 'anthropic' : undefined;
      if (format === undefined || req.method !== 'POST') {
        send(res, { status: 404, body: JSON.stringify({ error: { message: `fake LLM: no route ${req.method} ${path}` } }) });
        return;
      }
      let body: FakeLlmRequestBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeLlmRequestBody;
      } catch {
        send(res, { status: 400, body: JSON.stringify({ error: { message: 'fake LLM: request body is not JSON' } }) });
        return;
      }
      requests.push({ format, path, headers: req.headers, body });
      const step = script.shift() ?? { status: 500, body: JSON.stringify({ error: { message: 'fake LLM: script exhausted' } }) };
      const answer = 'status' in step ? step : { status: 200, body: JSON.stringify(replyBody(format, step, requests.length)) };
      setTimeout(() => send(res, answer), step.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function send(res: http.ServerResponse, step: FakeHttpStep): void {
  // The client may have given up already (timeout tests).
  if (res.destroyed) return;
  res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
  res.end(step.body ?? '');
}

function replyBody(format: 'openai' | 'anthropic', step: FakeReplyStep, n: number): Record<string, unknown> {
  const usage = step.usage ?? DEFAULT_USAGE;
  const calls = (step.toolCalls ?? []).map((call, i) => ({ ...call, id: call.id ?? `call_${n}_${i}` }));
  if (format === 'openai') {
    const message: Record<string, unknown> = { role: 'assistant', content: step.text ?? null };
    if (calls.length > 0) {
      message.tool_calls = calls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      }));
    }
    return {
      id: `chatcmpl-${n}`,
      object: 'chat.completion',
      choices: [{ index: 0, message, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    };
  }
  const content: Array<Record<string, unknown>> = step.text === undefined ? [] : [{ type: 'text', text: step.text }];
  for (const call of calls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
  return {
    id: `msg_${n}`,
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: calls.length > 0 ? 'tool_use' : 'end_turn',
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}
