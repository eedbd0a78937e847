/**
 * GET/POST to `tool_config.http.allowed_hosts` only. The sandbox policy checks the first URL;
 * the tool checks again and never follows redirects, since a redirect is a host the policy never saw.
 */
import { defineToolImpl, readStringArray, truncationMarker, type ToolContext, type ToolOutput } from '@aof/api';
import { httpSpec } from './spec.js';

const METHODS = new Set(['GET', 'POST']);

export default defineToolImpl({
  spec: httpSpec,
  /** `http GET https://x`, `http https://x`, `http POST https://x {"a":1}`. */
  parseCommand(argv) {
    const [first, ...rest] = argv;
    const method = first?.toUpperCase();
    if (method === undefined || !METHODS.has(method)) return { method: 'GET', url: first ?? '' };
    const [url = '', ...body] = rest;
    return body.length === 0 ? { method, url } : { method, url, body: body.join(' ') };
  },
  async run(args, ctx) {
    const method = typeof args.method === 'string' ? args.method.toUpperCase() : 'GET';
    if (!METHODS.has(method)) return { ok: false, output: `http supports GET and POST, not ${method}` };
    if (typeof args.url !== 'string' || !URL.canParse(args.url)) return { ok: false, output: 'http needs "url": an absolute http(s) URL' };
    const url = new URL(args.url);
    const allowed = readStringArray(ctx.config.allowed_hosts) ?? [];
    if (!isAllowedUrl(url, allowed)) {
      return { ok: false, output: `host "${url.host}" is not in tool_config.http.allowed_hosts (${allowed.join(', ') || 'empty'})` };
    }
    return request(method, url, args.body, ctx);
  },
});

async function request(method: string, url: URL, body: unknown, ctx: ToolContext): Promise<ToolOutput> {
  const init: RequestInit = { method, redirect: 'manual', signal: ctx.signal };
  if (method === 'POST' && body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' };
  }
  try {
    const response = await ctx.host.fetch(url, init);
    const text = await readCapped(response, ctx.maxOutputBytes);
    const location = response.headers.get('location');
    const head = `HTTP ${response.status} ${response.statusText}`.trimEnd() + (location === null ? '' : `\nlocation: ${location} (not followed)`);
    return { ok: response.ok, output: text.text === '' ? head : `${head}\n${text.text}`, truncated: text.truncated };
  } catch (error) {
    if (ctx.signal.aborted) return { ok: false, output: `http ${method} ${url.href} timed out after ${ctx.timeoutMs} ms` };
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { ok: false, output: `http ${method} ${url.href} failed: ${cause}` };
  }
}

/** Keeps the first `max` bytes and counts the rest until the body ends or the call's time is up. */
async function readCapped(response: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  let text = '';
  let kept = 0;
  let dropped = 0;
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      const room = Math.max(0, max - kept);
      const part = chunk.value.subarray(0, room);
      text += decoder.decode(part, { stream: true });
      kept += part.length;
      dropped += chunk.value.length - part.length;
    }
  } catch (error) {
    // Time ran out while skipping past the cap: what was kept is still the answer.
    if (dropped === 0) throw error;
  }
  if (dropped === 0) text += decoder.decode();
  return { text: dropped > 0 ? text + truncationMarker(dropped) : text, truncated: dropped > 0 };
}

/** Kept in step with the sandbox policy's check: a hostname (any port), a `host:port`, or `*.example.com`. */
function isAllowedUrl(url: URL, allowedHosts: readonly string[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  return allowedHosts.some((raw) => {
    const entry = raw.toLowerCase();
    return entry.startsWith('*.') ? hostname.endsWith(entry.slice(1)) : entry === hostname || entry === host;
  });
}
