import type { Logger } from '@aof/api';
import { backoffDelayMs, type BackoffPolicy } from './backoff.js';
import { PLATFORM } from './events.js';
import type { WebClient, WebClientFactory, WebMessage, WebReaction } from './web-client.js';

/** Runs `run` after `ms`; returns a cancel. */
export type ScheduleTimer = (run: () => void, ms: number) => () => void;

/** From a few seconds up to two minutes: a phone that is offline for a while is not hammered. */
export const DEFAULT_RECONNECT: BackoffPolicy = { baseMs: 2_000, maxMs: 120_000 };
const READY_TIMEOUT_MS = 30_000;

const realTimer: ScheduleTimer = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

export interface WebSessionHandlers {
  /** `self` is the linked account's number, known once the client is ready. */
  message(message: WebMessage, client: WebClient, self: string | undefined): void;
  reaction(reaction: WebReaction, self: string | undefined): void;
}

/**
 * One linked WhatsApp Web session: starts a client, shows the login QR, and when the client
 * disconnects or fails (whatsapp-web.js destroys it then) builds a new one after a backoff that
 * grows until a connection gets ready again. Never gives up until stopped.
 */
export class WhatsAppWebSession {
  readonly #createClient: WebClientFactory;
  readonly #handlers: WebSessionHandlers;
  readonly #showQr: (qr: string) => void;
  readonly #logger: Logger;
  readonly #policy: BackoffPolicy;
  readonly #schedule: ScheduleTimer;
  #client: WebClient | undefined;
  #ready = false;
  #attempt = 0;
  #cancelReconnect: (() => void) | undefined;
  #stopped = false;
  #waiters: Array<{ resolve: (client: WebClient) => void; reject: (error: Error) => void }> = [];

  constructor(options: { createClient: WebClientFactory; handlers: WebSessionHandlers; showQr: (qr: string) => void; logger: Logger; reconnect?: BackoffPolicy; schedule?: ScheduleTimer }) {
    this.#createClient = options.createClient;
    this.#handlers = options.handlers;
    this.#showQr = options.showQr;
    this.#logger = options.logger;
    this.#policy = options.reconnect ?? DEFAULT_RECONNECT;
    this.#schedule = options.schedule ?? realTimer;
  }

  /** Connects in the background: logging in may wait on a person scanning a QR code. */
  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  /** The connected client; waits for it a while (a reconnect in progress) before giving up. */
  ready(timeoutMs: number = READY_TIMEOUT_MS): Promise<WebClient> {
    if (this.#ready && this.#client !== undefined) return Promise.resolve(this.#client);
    if (this.#stopped) return Promise.reject(new Error('WhatsApp Web session is stopped'));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      const cancel = this.#schedule(() => {
        this.#waiters = this.#waiters.filter((candidate) => candidate !== waiter);
        reject(new Error(`WhatsApp Web is not connected (waited ${timeoutMs} ms)`));
      }, timeoutMs);
      this.#waiters.push({ resolve: (client) => (cancel(), resolve(client)), reject: (error) => (cancel(), reject(error)) });
    });
  }

  /** Safe to call twice; no reconnect is scheduled afterwards. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelReconnect?.();
    this.#cancelReconnect = undefined;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('WhatsApp Web session is stopped'));
    const client = this.#client;
    this.#client = undefined;
    this.#ready = false;
    await client?.destroy().catch(() => undefined);
  }

  #connect(): void {
    this.#cancelReconnect = undefined;
    if (this.#stopped) return;
    const client = this.#createClient();
    this.#client = client;
    // Events from a client that has been replaced are stale and ignored.
    const current = (): boolean => this.#client === client;
    client.on('qr', (qr) => {
      if (!current()) return;
      // The QR string links a phone to this session for about a minute: the log only says one is waiting.
      this.#logger.info({ platform: PLATFORM }, 'WhatsApp Web login: scan the QR code printed on the terminal (Linked devices)');
      this.#showQr(qr);
    });
    client.on('ready', () => {
      if (!current()) return;
      this.#ready = true;
      this.#attempt = 0;
      this.#logger.info({ platform: PLATFORM }, 'WhatsApp Web connected');
      for (const waiter of this.#waiters.splice(0)) waiter.resolve(client);
    });
    client.on('message', (message) => {
      if (current()) this.#handlers.message(message, client, this.#self());
    });
    client.on('message_reaction', (reaction) => {
      if (current()) this.#handlers.reaction(reaction, this.#self());
    });
    client.on('disconnected', (reason) => (reason === 'LOGOUT' ? this.#loggedOut(client) : this.#lost(client, 'disconnected', reason)));
    // whatsapp-web.js destroys the client after an auth failure without a 'disconnected' event.
    client.on('auth_failure', (reason) => this.#lost(client, 'authentication failed', reason));
    client.initialize().catch((error: unknown) => this.#lost(client, 'could not start', error instanceof Error ? error.message : String(error)));
  }

  #lost(client: WebClient, what: string, reason: string): void {
    if (this.#client !== client || this.#stopped) return;
    this.#client = undefined;
    this.#ready = false;
    void client.destroy().catch(() => undefined);
    const delayMs = backoffDelayMs(this.#attempt, this.#policy);
    this.#attempt += 1;
    this.#logger.warn({ platform: PLATFORM, reason: String(reason), attempt: this.#attempt, delay_ms: delayMs }, `WhatsApp Web ${what}; reconnecting`);
    this.#cancelReconnect = this.#schedule(() => this.#connect(), delayMs);
  }

  /**
   * Unlinked from the phone: whatsapp-web.js clears the session and shows a new QR code in the
   * same client, so replacing it would race with that; only the readiness changes.
   */
  #loggedOut(client: WebClient): void {
    if (this.#client !== client) return;
    this.#ready = false;
    this.#logger.warn({ platform: PLATFORM }, 'WhatsApp Web logged out from the phone; waiting for a new QR login');
  }

  #self(): string | undefined {
    return this.#client?.info?.wid?.user;
  }
}
