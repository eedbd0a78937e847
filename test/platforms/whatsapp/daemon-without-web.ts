/**
 * The whole daemon with every built-in platform configured (test/fixtures/e2e/every-platform),
 * for cloud-without-web.ts: it must boot and answer a signed WhatsApp webhook through the fake
 * Graph API in a process where whatsapp-web.js cannot be found.
 */
import type { PlatformInstance } from '@aof/api';
import { deliverHttp } from '@aof/testkit';
import { COMMAND, startE2eDaemon, waitForReply } from '../../e2e/support.js';
import { startFakeWhatsAppApi } from '../../fakes/whatsapp-api.js';
import * as discord from '../discord/discord-requests.js';
import * as slack from '../slack/slack-requests.js';
import * as telegram from '../telegram/telegram-requests.js';
import { ACCESS_TOKEN, APP_SECRET, DISPLAY_NUMBER, signedRequest, textMessage, VERIFY_TOKEN, webhookBody } from './whatsapp-requests.js';

/** The group the fixture's `chat_names` calls production, where whatsapp-prod-flow listens. */
const PRODUCTION_GROUP = 'Y2FwaV9ncm91cDpwcm9kdWN0aW9u';

/** Whether `import('whatsapp-web.js')` fails here, as the plugin's web loader would see it. */
export async function whatsappWebHidden(): Promise<boolean> {
  // A variable, so that tsc does not resolve the package this process must not find.
  const name = 'whatsapp-web.js';
  return import(name).then(() => false, () => true);
}

export interface DaemonOutcome {
  /** The platforms the booted daemon runs, sorted. */
  platforms: string[];
  /** Checked while the daemon was up. */
  hidden: boolean;
  ack: number;
  replyChannel: string;
}

export async function answerThroughDaemon(): Promise<DaemonOutcome> {
  const api = await startFakeWhatsAppApi({ accessToken: ACCESS_TOKEN });
  try {
    const t = await startE2eDaemon('every-platform', {
      SLACK_BOT_TOKEN: slack.BOT_TOKEN,
      SLACK_SIGNING_SECRET: slack.SIGNING_SECRET,
      TELEGRAM_BOT_TOKEN: telegram.BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: telegram.WEBHOOK_SECRET,
      DISCORD_BOT_TOKEN: discord.BOT_TOKEN,
      DISCORD_PUBLIC_KEY: discord.PUBLIC_KEY,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      FAKE_WHATSAPP_URL: api.url,
    });
    try {
      const platforms = t.daemon.kernel.plugins('platform').map((plugin) => (plugin.instance as PlatformInstance).platform).sort();
      const body = webhookBody({ from: '16505550100', groupId: PRODUCTION_GROUP }, [textMessage(`@${DISPLAY_NUMBER} ${COMMAND}`)]);
      const ack = await deliverHttp(t.url, signedRequest(body));
      const reply = await waitForReply(() => api.sentMessages(), () => true);
      return { platforms, hidden: await whatsappWebHidden(), ack: ack.status, replyChannel: reply.channelId };
    } finally {
      await t.stop();
    }
  } finally {
    await api.close();
  }
}
