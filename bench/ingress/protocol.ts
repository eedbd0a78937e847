/**
 * What the ingress benchmark's processes share: the Slack app's identity and secrets (test
 * values, never real ones), and the IPC messages a server child sends its parent.
 */
export const SLACK_APP = {
  signingSecret: 'bench-signing-secret-0123456789abcdef',
  botToken: 'placeholder-bench-bot-token',
  botUserId: 'U0BENCHBOT',
  botId: 'B0BENCHBOT',
  teamId: 'T0BENCH001',
  appId: 'A0BENCH001',
  /** The channel the stub Web API names "bench", the channel the daemon's flow takes. */
  channelId: 'C0BENCH001',
  channelName: 'bench',
} as const;

/** A child is listening: the parent may send load. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
}

/** The Slack Web API stub's answer to `{ type: 'stats' }`: calls per method. */
export interface StatsMessage {
  type: 'stats';
  calls: Record<string, number>;
}

export type ChildMessage = ReadyMessage | StatsMessage;

/** Tells the parent this child is listening; every server child ends its start-up with it. */
export function announceReady(port: number): void {
  const message: ReadyMessage = { type: 'ready', port };
  process.send?.(message);
  // Exit normally on the benchmark's SIGTERM, so flags such as --cpu-prof get to write their files.
  process.once('SIGTERM', () => process.exit(0));
}

/** The env every server child reads its settings from. */
export function stubUrlFromEnv(): string {
  const url = process.env.BENCH_SLACK_API_URL;
  if (url === undefined || url === '') throw new Error('BENCH_SLACK_API_URL is not set');
  return url;
}
