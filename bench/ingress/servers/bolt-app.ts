/**
 * A bare @slack/bolt App on its own HTTPReceiver (signature check, auto-ack of events), with an
 * `app_mention` listener that does nothing. Its WebClient points at the local Web API stub: the
 * only call it makes is auth.test, once, to learn the bot's ids for its ignoreSelf middleware.
 * With `BENCH_BOLT_ANSWER=1` the listener answers each mention in its thread (`say`), as a bot
 * that does work behind its acks would.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { announceReady, SLACK_APP, stubUrlFromEnv } from '../protocol.js';

const app = new App({
  token: SLACK_APP.botToken,
  signingSecret: SLACK_APP.signingSecret,
  clientOptions: { slackApiUrl: stubUrlFromEnv() },
  logLevel: LogLevel.ERROR,
});
if (process.env.BENCH_BOLT_ANSWER === '1') {
  app.event('app_mention', async ({ event, say }) => {
    await say({ text: `echo: ${event.text}`, thread_ts: event.thread_ts ?? event.ts });
  });
} else {
  app.event('app_mention', async () => undefined);
}

const server = (await app.start(0)) as Server;
announceReady((server.address() as AddressInfo).port);
