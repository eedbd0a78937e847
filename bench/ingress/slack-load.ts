/**
 * The load: Slack Events API deliveries of an `app_mention` in #bench, each a new event (its own
 * event_id and ts, so no server's dedupe can answer from memory), signed ahead of the run so the
 * HMAC is not billed to the load generator, and sent with autocannon (as fast as acked) or
 * paced (a steady rate). Ack latency is every 2xx response's own timing (autocannon's histogram
 * keeps whole milliseconds only).
 */
import http from 'node:http';
import autocannon from 'autocannon';
import { signSlackRequest } from '@aof/plugin-slack';
import { SLACK_APP } from './protocol.js';

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/** Users the events come from: spread so a per-user limit is not the only thing the daemon meets. */
const USERS = 50;

/**
 * `mention`: a person mentions the bot (every server handles it). `bot-message`: the same event
 * written by a bot, which Slack apps ignore right after the ack: what the ack path alone costs.
 */
export type EventKind = 'mention' | 'bot-message';

/** Event ids and ts are unique in the process, across pools. */
let sequence = 0;

/**
 * Deliveries signed ahead of time, handed out in order. Past the pre-signed ones each is signed
 * when asked for (counted), so event ids stay distinct however fast a server answers.
 */
export class DeliveryPool {
  readonly #kind: EventKind;
  readonly #signed: Array<SignedDelivery | undefined> = [];
  #next = 0;
  #signedLate = 0;

  constructor(presigned: number, kind: EventKind = 'mention') {
    this.#kind = kind;
    for (let i = 0; i < presigned; i++) this.#signed.push(this.#sign());
  }

  next(): SignedDelivery {
    const delivery = this.#signed[this.#next];
    if (delivery === undefined) {
      this.#signedLate += 1;
      return this.#sign();
    }
    // Released once used, so the pool's memory shrinks as the run goes.
    this.#signed[this.#next] = undefined;
    this.#next += 1;
    return delivery;
  }

  /** Deliveries that had to be signed during the load (the pool ran out). */
  get signedLate(): number {
    return this.#signedLate;
  }

  #sign(): SignedDelivery {
    sequence += 1;
    const seconds = Math.floor(Date.now() / 1000);
    const ts = `${seconds}.${String(sequence).padStart(6, '0')}`;
    const body = JSON.stringify({
      token: 'legacy-verification-token',
      team_id: SLACK_APP.teamId,
      api_app_id: SLACK_APP.appId,
      event: {
        type: 'app_mention',
        user: `U0BENCH${String(sequence % USERS).padStart(3, '0')}`,
        text: `<@${SLACK_APP.botUserId}> echo hello from the ingress bench`,
        ts,
        channel: SLACK_APP.channelId,
        event_ts: ts,
        ...(this.#kind === 'bot-message' && { bot_id: 'B0OTHERBOT' }),
      },
      type: 'event_callback',
      event_id: `Ev0BENCH${String(sequence).padStart(9, '0')}`,
      event_time: seconds,
      authorizations: [{ team_id: SLACK_APP.teamId, user_id: SLACK_APP.botUserId, is_bot: true, is_enterprise_install: false }],
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(seconds),
        'x-slack-signature': signSlackRequest(SLACK_APP.signingSecret, seconds, body),
      },
    };
  }
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSecs: number;
  pool: DeliveryPool;
}

export interface LoadResult {
  acksPerSec: number;
  p50Ms: number;
  p99Ms: number;
  acks: number;
  /** Connection errors, timeouts included. */
  errors: number;
  non2xx: number;
  durationSecs: number;
}

/** Ack latencies in ms, grown as needed; percentiles once the run is over. */
class Latencies {
  #values = new Float64Array(1 << 16);
  #count = 0;

  record(ms: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = ms;
  }

  percentiles(): { p50Ms: number; p99Ms: number } {
    const sorted = this.#values.subarray(0, this.#count).sort();
    const at = (q: number): number => (this.#count === 0 ? Number.NaN : sorted[Math.min(this.#count - 1, Math.floor(this.#count * q))] ?? Number.NaN);
    return { p50Ms: at(0.5), p99Ms: at(0.99) };
  }
}

/** One autocannon run: every request takes the pool's next delivery. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = new Latencies();
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: options.url,
      connections: options.connections,
      duration: options.durationSecs,
      requests: [{
        method: 'POST',
        setupRequest: (request) => {
          const delivery = options.pool.next();
          return { ...request, body: delivery.body, headers: delivery.headers };
        },
      }],
    }, (error: unknown, result: autocannon.Result) => {
      if (error !== null && error !== undefined) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      resolve({
        acksPerSec: result['2xx'] / result.duration,
        ...latencies.percentiles(),
        acks: result['2xx'],
        errors: result.errors,
        non2xx: result.non2xx,
        durationSecs: result.duration,
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.record(responseTime);
    });
  });
}

/**
 * Deliveries at a steady rate, one every 1/rate s over keep-alive connections. autocannon's rate
 * options send each second's quota in a burst at the top of the second, which measures a burst,
 * not a steady stream.
 */
export async function runPaced(options: Omit<LoadOptions, 'connections'> & { ratePerSec: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const latencies = new Latencies();
  const outcome = { acks: 0, errors: 0, non2xx: 0 };
  const inFlight = new Set<Promise<void>>();
  const send = (delivery: SignedDelivery): Promise<void> => new Promise((resolve) => {
    const started = performance.now();
    const request = http.request(options.url, { method: 'POST', agent, headers: { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) } }, (response) => {
      response.resume();
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          outcome.acks += 1;
          latencies.record(performance.now() - started);
        } else {
          outcome.non2xx += 1;
        }
        resolve();
      });
    });
    request.on('error', () => {
      outcome.errors += 1;
      resolve();
    });
    request.end(delivery.body);
  });
  const started = performance.now();
  const total = Math.round(options.ratePerSec * options.durationSecs);
  for (let i = 0; i < total; i++) {
    // Paced against the start, so a late timer does not shift every later send.
    const due = started + (i * 1000) / options.ratePerSec;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sending = send(options.pool.next());
    inFlight.add(sending);
    void sending.then(() => inFlight.delete(sending));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const durationSecs = (performance.now() - started) / 1000;
  return { acksPerSec: outcome.acks / durationSecs, ...latencies.percentiles(), ...outcome, durationSecs };
}
