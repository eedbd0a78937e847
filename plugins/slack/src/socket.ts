import { SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '@aof/api';
import { slackLogger } from './client.js';
import { PLATFORM } from './events.js';
import { record, text, type Fields } from './fields.js';
import type { SlackInboundPipeline } from './inbound.js';
import type { SlackDelivery } from './request-body.js';

/** The part of @slack/socket-mode's SocketModeClient the plugin uses. */
export interface SocketClient {
  on(event: 'slack_event', listener: (event: unknown) => void): unknown;
  start(): Promise<unknown>;
  disconnect(): Promise<void>;
}

export type SocketClientFactory = (options: { appToken: string; apiUrl: string; logger: Logger }) => SocketClient;

/**
 * Bolt's SocketModeReceiver builds the WebSocket client (connection, pings, reconnects); the
 * plugin listens to that client's `slack_event` directly instead of running a Bolt App, so both
 * transports share one pipeline.
 */
export const boltSocketClient: SocketClientFactory = ({ appToken, apiUrl, logger }) =>
  new SocketModeReceiver({ appToken, logger: slackLogger(logger), installerOptions: { clientOptions: { slackApiUrl: apiUrl } } }).client;

/** Socket Mode envelope types and what they carry once unwrapped. */
const DELIVERY_TYPES: Readonly<Record<string, SlackDelivery['type']>> = { events_api: 'event', interactive: 'interaction', slash_commands: 'command' };

/**
 * Acks each Socket Mode envelope first (Slack redelivers anything not acked within three
 * seconds), then feeds it to the same pipeline as the HTTP receiver. No signature here: the
 * socket itself was opened with the app token, so what arrives is app-level and `scope` names the
 * flows it may reach (not those with their own credentials).
 */
export function socketEventHandler(pipeline: SlackInboundPipeline, logger: Logger, scope: () => readonly string[] | undefined = () => undefined): (event: unknown) => Promise<void> {
  return async (event) => {
    const envelope = record(event);
    if (envelope === undefined) return;
    const ack = envelope.ack;
    if (typeof ack === 'function') {
      try {
        await (ack as () => Promise<void>)();
      } catch (error) {
        // Slack will redeliver; dedupe drops the copy, so handling this one now loses nothing.
        logger.warn({ platform: PLATFORM, error: error instanceof Error ? error.message : String(error) }, 'Socket Mode ack failed');
      }
    }
    const delivery = toDelivery(text(envelope.type), record(envelope.body));
    if (delivery === undefined) {
      logger.debug({ platform: PLATFORM, type: envelope.type }, 'Socket Mode envelope ignored');
      return;
    }
    const retryNum = envelope.retry_num;
    const flows = scope();
    pipeline.dispatch(delivery, { ...(typeof retryNum === 'number' && retryNum > 0 && { retryNum }), ...(flows !== undefined && { flows }) });
  };
}

function toDelivery(type: string | undefined, body: Fields | undefined): SlackDelivery | undefined {
  const deliveryType = type === undefined ? undefined : DELIVERY_TYPES[type];
  if (deliveryType === undefined || body === undefined) return undefined;
  if (deliveryType !== 'command') return { type: deliveryType, body };
  // Over HTTP a slash command is a form, so every field is a string; keep the same shape here.
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
  return { type: 'command', body: fields };
}

/** Connects on start, disconnects on stop (safe to call twice). */
export class SlackSocketMode {
  readonly #client: SocketClient;
  #connected = false;

  constructor(options: { client: SocketClient; pipeline: SlackInboundPipeline; logger: Logger; scope?: () => readonly string[] | undefined }) {
    this.#client = options.client;
    const handle = socketEventHandler(options.pipeline, options.logger, options.scope);
    this.#client.on('slack_event', (event) => void handle(event));
  }

  async start(): Promise<void> {
    await this.#client.start();
    this.#connected = true;
  }

  async stop(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    await this.#client.disconnect();
  }
}
