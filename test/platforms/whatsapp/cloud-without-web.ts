/**
 * Run in a child process with whatsapp-web.js hidden (see web-loader.test.ts): boots the real
 * kernel with the plugin in Cloud API mode, takes a signed webhook and answers it, starts a
 * web-mode platform, then boots the whole daemon with every platform and has it answer a
 * webhook, and prints what happened as one JSON line.
 */
import { isAofError } from '@aof/api';
import { createWhatsAppPlatform } from '@aof/plugin-whatsapp';
import { MemoryStore } from '@aof/plugin-store-memory';
import { createRecordingSink, deliverHttp, waitFor } from '@aof/testkit';
import { createLogger } from '../../../core/logging/logger.js';
import { createMetrics } from '../../../core/metrics/metrics.js';
import { answerThroughDaemon } from './daemon-without-web.js';
import { SAMPLE, startWhatsApp } from './harness.js';
import { signedRequest, textMessage, webhookBody } from './whatsapp-requests.js';

const env = await startWhatsApp();
let result: Record<string, unknown>;
try {
  await deliverHttp(env.kernel.url, signedRequest(webhookBody({ from: SAMPLE.userId }, [textMessage('works without whatsapp-web.js')])));
  const message = await waitFor('the cloud message', () => env.kernel.inbound[0]);
  await env.platform.send({ platform: 'whatsapp', channelId: message.channel.id, thread: message.thread, text: 'answered' });
  result = { cloudText: message.text, replies: env.api.sentMessages().map((sent) => sent.text) };
} finally {
  await env.stop();
}

const store = new MemoryStore({ sweepIntervalMs: 60_000 });
const web = createWhatsAppPlatform({ mode: 'web' }, {
  logger: createLogger({ level: 'silent', format: 'json' }),
  store,
  http: { register: () => undefined },
  metrics: createMetrics(),
  inbound: createRecordingSink().sink,
});
try {
  await web.start?.();
  result.web = 'started';
} catch (error) {
  result.web = isAofError(error) ? { code: error.code, plugin: error.plugin, message: error.message } : String(error);
} finally {
  await store.close();
}

result.daemon = await answerThroughDaemon();
process.stdout.write(`${JSON.stringify(result)}\n`);
