import { EventEmitter } from 'node:events';
import type { PlatformInstance } from '@aof/api';
import { createWhatsAppPlatform, type WebChat, type WebClient, type WebMessage, type WebMessageId, type WhatsAppConfig, type WhatsAppPlatformOptions } from '@aof/plugin-whatsapp';
import { MemoryStore } from '@aof/plugin-store-memory';
import { createRecordingSink, type RecordingSink } from '@aof/testkit';
import { createLogger } from '../../../core/logging/logger.js';
import { createMetrics } from '../../../core/metrics/metrics.js';
import { nowSecs } from './whatsapp-requests.js';

/** The linked account of the fake session. */
export const SELF = '15550001111';

/** Stands in for a whatsapp-web.js Client: the test emits what WhatsApp Web would, no browser runs. */
export class FakeWebClient extends EventEmitter implements WebClient {
  info?: { wid: { user: string; _serialized: string } };
  initializeCalls = 0;
  destroyCalls = 0;
  failInitialize: Error | undefined;
  readonly sent: Array<{ chatId: string; content: string; options: unknown }> = [];
  readonly reactions: Array<{ messageId: string; reaction: string }> = [];
  readonly chats: Record<string, WebChat> = {};

  async initialize(): Promise<void> {
    this.initializeCalls += 1;
    if (this.failInitialize !== undefined) throw this.failInitialize;
  }

  async destroy(): Promise<void> {
    this.destroyCalls += 1;
  }

  async sendMessage(chatId: string, content: string, options?: unknown): Promise<{ id: WebMessageId }> {
    this.sent.push({ chatId, content, options });
    return { id: { _serialized: `true_${chatId}_SENT${this.sent.length}`, fromMe: true, remote: chatId } };
  }

  async sendReaction(messageId: string, reaction: string): Promise<void> {
    this.reactions.push({ messageId, reaction });
  }

  async getChatById(chatId: string): Promise<WebChat> {
    const chat = this.chats[chatId];
    if (chat === undefined) throw new Error(`no chat ${chatId}`);
    return chat;
  }

  /** What WhatsApp Web does once the phone has linked the session. */
  connect(self: string = SELF): void {
    this.info = { wid: { user: self, _serialized: `${self}@c.us` } };
    this.emit('ready');
  }
}

let sequence = 0;

/** A received text message in a chat (`from`), as whatsapp-web.js reports it. */
export function webMessage(fields: Partial<WebMessage> & { body: string }): WebMessage {
  sequence += 1;
  const from = fields.from ?? '16505550100@c.us';
  return {
    id: { _serialized: `false_${from}_3EB0MSG${sequence}`, fromMe: false, remote: from },
    from,
    type: 'chat',
    timestamp: nowSecs(),
    fromMe: false,
    hasQuotedMsg: false,
    mentionedIds: [],
    _data: { notifyName: 'Alice Example' },
    ...fields,
  };
}

export interface ScheduledTimer {
  ms: number;
  run: () => void;
  cancelled: boolean;
}

export interface WebTestEnv {
  platform: PlatformInstance;
  /** Every client the platform built, the current one last. */
  clients: FakeWebClient[];
  recording: RecordingSink;
  logs: string[];
  qrs: string[];
  /** Reconnect waits the platform scheduled (read-timeouts of 30 s are left out); a test runs them by hand. */
  timers: ScheduledTimer[];
  current(): FakeWebClient;
  stop(): Promise<void>;
}

/** The web-mode platform, created directly with a fake client factory, a recording sink and the memory store. */
export async function startWeb(
  config: Partial<WhatsAppConfig> = {},
  options: WhatsAppPlatformOptions = {},
  /** Sees each client as it is built, before it initializes. */
  onClient: (client: FakeWebClient, index: number) => void = () => undefined,
): Promise<WebTestEnv> {
  const logs: string[] = [];
  const clients: FakeWebClient[] = [];
  const qrs: string[] = [];
  const timers: ScheduledTimer[] = [];
  const recording = createRecordingSink();
  const store = new MemoryStore({ sweepIntervalMs: 60_000 });
  const platform = createWhatsAppPlatform({ mode: 'web', ...config }, {
    logger: createLogger({ level: 'debug', format: 'json', destination: { write: (line: string) => void logs.push(line) } }),
    store,
    http: { register: () => assert(false, 'web mode adds no HTTP route') },
    metrics: createMetrics(),
    inbound: recording.sink,
  }, {
    webClient: () => {
      const client = new FakeWebClient();
      onClient(client, clients.length);
      clients.push(client);
      return client;
    },
    showQr: (qr) => void qrs.push(qr),
    reconnect: { baseMs: 1_000, maxMs: 4_000 },
    scheduleTimer: (run, ms) => {
      if (ms >= 30_000) return () => undefined;
      const timer = { ms, run, cancelled: false };
      timers.push(timer);
      return () => void (timer.cancelled = true);
    },
    ...options,
  });
  await platform.start?.();
  return {
    platform,
    clients,
    recording,
    logs,
    qrs,
    timers,
    current: () => {
      const client = clients.at(-1);
      if (client === undefined) throw new Error('no client was built');
      return client;
    },
    async stop() {
      await platform.stop?.();
      await store.close();
    },
  };
}

function assert(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}
