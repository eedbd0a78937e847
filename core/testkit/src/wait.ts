import type { DeliveryResult, WebhookRequest } from './harness.js';

/**
 * Polls until `probe` returns a value (not undefined), or fails naming `what`. Platforms hand
 * messages over after they ack, so tests wait for effects instead of sleeping.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Sends a webhook request over real HTTP. */
export async function deliverHttp(baseUrl: string, request: WebhookRequest): Promise<DeliveryResult> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method ?? 'POST',
    headers: request.headers,
    ...(request.method === 'GET' ? {} : { body: request.body }),
  });
  return { status: response.status, body: await response.text() };
}
