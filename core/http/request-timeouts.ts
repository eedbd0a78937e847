const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Node's own header deadline, kept unless the whole request must arrive sooner. */
const HEADERS_TIMEOUT_MS = 60_000;

/**
 * Fastify leaves Node's request timeout off, so a client that sends headers and then a body one
 * byte a minute would hold its connection (and a file descriptor) for ever: webhook endpoints
 * face the internet. Node checks deadlines on an interval (30 s by default); a quarter of the
 * timeout keeps the cut-off close to it. Without a timeout (`server.timeout_secs` unset), 30 s.
 */
export function requestTimeouts(timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): { requestTimeout: number; http: { headersTimeout: number; connectionsCheckingInterval: number } } {
  return {
    requestTimeout: timeoutMs,
    http: { headersTimeout: Math.min(HEADERS_TIMEOUT_MS, timeoutMs), connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(timeoutMs / 4))) },
  };
}
