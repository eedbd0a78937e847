/**
 * The one HTTP policy every model provider gets through `ModelContext.postJson`: a timeout per
 * attempt, one retry for a 5xx or a 429 that asks for a short wait, and every failure thrown
 * as a ModelError whose message is safe to show users (never the API key or the request body).
 */
import { ModelError, type PostJsonInit, type SandboxHost } from '@aof/api';
import { errorMessage } from './task-failure.js';
import { deadline } from './deadline.js';

/** A 429 asking for a longer wait than this fails at once with "retry after Ns" rather than holding the task. */
const MAX_RETRY_WAIT_MS = 5_000;
const SERVER_RETRY_DELAY_MS = 500;
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

export interface PostJsonOptions {
  host: SandboxHost;
  provider: string;
  timeoutMs: number;
  /** The task's signal: aborting it ends the call (and any wait) with the signal's reason. */
  signal: AbortSignal;
}

export function createPostJson(options: PostJsonOptions): (url: string, init: PostJsonInit) => Promise<unknown> {
  return async (url, init) => {
    let waitMs = 0;
    for (let attempt = 1; ; attempt++) {
      if (waitMs > 0) await sleep(waitMs, options.signal);
      const { status, headers, text } = await send(options, url, init);
      if (status >= 200 && status < 300) return parseJson(options.provider, status, text);
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
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    if (limit.expired) {
      throw new ModelError('timeout', `model provider ${options.provider} did not answer within ${seconds(options.timeoutMs)}`, { cause: error });
    }
    const origin = URL.canParse(url) ? new URL(url).origin : url;
    const detail = error instanceof Error && error.cause instanceof Error ? error.cause.message : errorMessage(error);
    throw new ModelError('unreachable', `could not reach model provider ${options.provider} at ${origin}: ${detail}`, { cause: error });
  } finally {
    limit.dispose();
  }
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
  const detail = providerMessage(text);
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
