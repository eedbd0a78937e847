/**
 * A fake Discord gateway (v10, JSON, no compression) over a real WebSocket: HELLO, IDENTIFY ->
 * READY (and GUILD_CREATE for the guilds it was given), heartbeat acks, RESUME -> RESUMED, and
 * `dispatch()` to push events (MESSAGE_CREATE, MESSAGE_REACTION_ADD, ...) to every session.
 * discord.js finds it through the fake REST API's GET /gateway/bot.
 *
 * Uses the `ws` server that discord.js already depends on (through @discordjs/ws); only tests import it.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeGatewayGuild {
  id: string;
  name: string;
  channels: Array<{ id: string; name: string; type: number; parent_id?: string }>;
}

export interface FakeGatewayOptions {
  botToken: string;
  bot: { id: string; username: string };
  applicationId: string;
  guilds?: FakeGatewayGuild[];
}

export interface FakeDiscordGateway {
  url: string;
  /** Every IDENTIFY received: the token and intents discord.js sent. */
  identifies: Array<{ token: unknown; intents: unknown }>;
  /** Sends a dispatch (`op: 0`) to every identified session. */
  dispatch(type: string, data: unknown): void;
  /** Resolves once a session has received READY. */
  waitForSession(): Promise<void>;
  sessionCount(): number;
  close(): Promise<void>;
}

const OP = { dispatch: 0, heartbeat: 1, identify: 2, resume: 6, hello: 10, heartbeatAck: 11 } as const;
/** Long enough that tests see no heartbeat traffic they did not ask for. */
const HEARTBEAT_INTERVAL_MS = 45_000;
const THREAD_TYPES: ReadonlySet<number> = new Set([10, 11, 12]);

export async function startFakeDiscordGateway(options: FakeGatewayOptions): Promise<FakeDiscordGateway> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sessions = new Map<WebSocket, { sequence: number }>();
  const identifies: FakeDiscordGateway['identifies'] = [];
  const readyWaiters: Array<() => void> = [];

  const send = (socket: WebSocket, payload: Record<string, unknown>): void => {
    socket.send(JSON.stringify(payload));
  };
  const dispatchTo = (socket: WebSocket, type: string, data: unknown): void => {
    const session = sessions.get(socket);
    if (session === undefined) return;
    session.sequence += 1;
    send(socket, { op: OP.dispatch, t: type, s: session.sequence, d: data });
  };

  server.on('connection', (socket) => {
    send(socket, { op: OP.hello, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS } });
    socket.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op?: number; d?: Record<string, unknown> | null };
      switch (payload.op) {
        case OP.heartbeat:
          send(socket, { op: OP.heartbeatAck });
          return;
        case OP.identify: {
          identifies.push({ token: payload.d?.token, intents: payload.d?.intents });
          // 4004 Authentication failed, as Discord closes a session with a bad token.
          if (payload.d?.token !== options.botToken) {
            socket.close(4004, 'Authentication failed.');
            return;
          }
          sessions.set(socket, { sequence: 0 });
          const guilds = options.guilds ?? [];
          dispatchTo(socket, 'READY', {
            v: 10,
            user: { id: options.bot.id, username: options.bot.username, discriminator: '0', bot: true },
            guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
            session_id: `fake-session-${identifies.length}`,
            resume_gateway_url: url,
            application: { id: options.applicationId, flags: 0 },
            shard: [0, 1],
          });
          for (const guild of guilds) {
            const isThread = (channel: { type: number }): boolean => THREAD_TYPES.has(channel.type);
            const channels = guild.channels.filter((channel) => !isThread(channel));
            const threads = guild.channels.filter(isThread).map((thread) => ({ ...thread, guild_id: guild.id, thread_metadata: { archived: false, locked: false } }));
            dispatchTo(socket, 'GUILD_CREATE', { id: guild.id, name: guild.name, unavailable: false, channels, threads, roles: [], members: [], emojis: [], stickers: [], features: [] });
          }
          for (const resolve of readyWaiters.splice(0)) resolve();
          return;
        }
        case OP.resume:
          if (!sessions.has(socket)) sessions.set(socket, { sequence: Number(payload.d?.seq ?? 0) });
          dispatchTo(socket, 'RESUMED', null);
          return;
        default:
          return;
      }
    });
    socket.on('close', () => sessions.delete(socket));
  });

  return {
    url,
    identifies,
    dispatch(type, data) {
      for (const socket of sessions.keys()) dispatchTo(socket, type, data);
    },
    waitForSession: () => (sessions.size > 0 ? Promise.resolve() : new Promise((resolve) => readyWaiters.push(resolve))),
    sessionCount: () => sessions.size,
    close: () => new Promise((resolve, reject) => {
      for (const socket of server.clients) socket.terminate();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
