/**
 * The one HTTP policy every model provider gets through `ModelContext.postJson`: a timeout per
 * attempt, one retry for a 5xx or a 429 that asks for a short wait, and every failure thrown
 * as a ModelError whose message is safe to show users (never the API key or the request body).
 * Redirects are not followed: the key (Anthropic's sits in a header fetch does not drop) and the
 * conversation go to the configured base_url only. A body past MAX_RESPONSE_BYTES is not read:
 * one huge answer must not take the worker's heap, or the daemon's.
 */
import { ModelError, type PostJsonInit, type SandboxHost } from '@aof/api';
import { errorMessage } from './task-failure.js';
import { deadline } from './deadline.js';

/** A 429 asking for a longer wait than this fails at once with "retry after Ns" rather than holding the task. */
const MAX_RETRY_WAIT_MS = 5_000;
const SERVER_RETRY_DELAY_MS = 500;
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;
/** No model answer (a long reply with its tool calls) comes near this; a bigger body is refused unread. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const REDACTED = '[redacted]';

export interface PostJsonOptions {
  host: SandboxHost;
  provider: string;
  timeoutMs: number;
  /** The task's signal: aborting it ends the call (and any wait) with the signal's reason. */
  signal: AbortSignal;
  /** Values no error message may carry (the API key): a provider may echo them back. */
  secrets?: readonly string[];
}

export function createPostJson(options: PostJsonOptions): (url: string, init: PostJsonInit) => Promise<unknown> {
  return async (url, init) => {
    let waitMs = 0;
    for (let attempt = 1; ; attempt++) {
      if (waitMs > 0) await sleep(waitMs, options.signal);
      const { status, headers, text } = await send(options, url, init);
      if (status >= 200 && status < 300) return parseJson(options.provider, status, text);
      if (status >= 300 && status < 400) throw redirectError(options.provider, url, status, headers);
      const error = httpError(options, status, headers, text);
      const retryMs = attempt === 1 ? retryDelayMs(error) : undefined;
      if (retryMs === undefined) throw error;
      waitMs = retryMs;
    }
  };
}

async function send(options: PostJsonOptions, url: string, init: PostJsonInit): Promise<{ status: number; headers: Headers; text: string }> {
  const limit = deadline(options.signal, options.timeoutMs);
  try {
    const response = await options.host.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: JSON.stringify(init.body),
      signal: limit.signal,
      redirect: 'manual',
    });
    return { status: response.status, headers: response.headers, text: await cappedText(options.provider, response) };
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    if (error instanceof ModelError) throw error;
    if (limit.expired) {
      throw new ModelError('timeout', `model provider ${options.provider} did not answer within ${seconds(options.timeoutMs)}`, { cause: error });
    }
    const origin = URL.canParse(url) ? new URL(url).origin : url;
    const detail = error instanceof Error && error.cause instanceof Error ? error.cause.message : errorMessage(error);
    // fetch quotes a header value it refuses (a key with a newline in it) in its message.
    throw new ModelError('unreachable', `could not reach model provider ${options.provider} at ${origin}: ${withoutSecrets(detail, options.secrets)}`);
  } finally {
    limit.dispose();
  }
}

/** The body as text, refused unread past MAX_RESPONSE_BYTES (by its Content-Length, or as it streams in). */
async function cappedText(provider: string, response: Response): Promise<string> {
  const tooLarge = (): ModelError => new ModelError('bad_response', `model provider ${provider} sent a response larger than ${MAX_RESPONSE_BYTES / (1024 * 1024)} MB (HTTP ${response.status}); it was not read`, { status: response.status });
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function redirectError(provider: string, url: string, status: number, headers: Headers): ModelError {
  const location = headers.get('location');
  const target = location !== null && URL.canParse(location, url) ? new URL(location, url).origin : 'elsewhere';
  return new ModelError('bad_response', `model provider ${provider} redirected the request (HTTP ${status}) to ${target}; redirects are not followed, so the API key and the conversation go only to base_url: set base_url to the address that answers`, { status });
}

/** Each secret (and its `Bearer` form) replaced, however the provider or fetch quoted it. */
function withoutSecrets(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const secret of secrets ?? []) if (secret.length >= 4) out = out.replaceAll(secret, REDACTED);
  return out;
}

function parseJson(provider: string, status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelError('bad_response', `model provider ${provider} returned malformed JSON (HTTP ${status})`, { status, cause: error });
  }
}

function httpError(options: PostJsonOptions, status: number, headers: Headers, text: string): ModelError {
  const { provider } = options;
  // Masked before it is cut, so a cut cannot leave part of the key showing.
  const detail = providerMessage(withoutSecrets(text, options.secrets));
  if (status === 401 || status === 403) {
    return new ModelError('auth', `model provider rejected the API key (${provider}, HTTP ${status})`, { status });
  }
  if (status === 429) {
    const retryAfterSeconds = retryAfter(headers, options.host.now());
    const when = retryAfterSeconds === undefined ? 'try again later' : `retry after ${Math.ceil(retryAfterSeconds)}s`;
    return new ModelError('rate_limit', `model provider rate limited (${provider}), ${when}`, { status, retryAfterSeconds });
  }
  if (status >= 500) {
    return new ModelError('server', `model provider failed (${provider}, HTTP ${status})${detail && `: ${detail}`}`, { status });
  }
  return new ModelError('bad_request', `model provider refused the request (${provider}, HTTP ${status})${detail && `: ${detail}`}`, { status });
}

function retryDelayMs(error: ModelError): number | undefined {
  if (error.kind === 'server') return SERVER_RETRY_DELAY_MS;
  if (error.kind !== 'rate_limit') return undefined;
  const waitMs = error.retryAfterSeconds === undefined ? DEFAULT_RATE_LIMIT_WAIT_MS : error.retryAfterSeconds * 1000;
  return waitMs <= MAX_RETRY_WAIT_MS ? waitMs : undefined;
}

/** Seconds to wait, from `retry-after-ms` (OpenAI) or `retry-after` (seconds or an HTTP date). */
function retryAfter(headers: Headers, now: number): number | undefined {
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const secondsValue = Number(value);
  if (Number.isFinite(secondsValue) && secondsValue >= 0) return secondsValue;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** The error text providers put in their JSON bodies (`{error: {message}}`, `{error: "..."}`), capped. */
function providerMessage(text: string): string {
  let message: unknown;
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    message = typeof body.error === 'string' ? body.error : body.error?.message ?? body.message;
  } catch {
    return '';
  }
  return typeof message === 'string' ? message.slice(0, 300) : '';
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
