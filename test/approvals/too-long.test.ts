/**
 * An approval request too long for one message on its platform is never posted cut: cut, it
 * would hide the end of the command while its buttons still counted, and the hidden part would
 * run on approval. The platform refuses it, so nothing is posted to vote on; the requester is
 * told in the thread that it could not be posted and nothing ran; the failure is audited; and
 * nothing runs. A request that fits is posted whole, as before. Each platform's request is made
 * too long by a chain of 300 approvers, all named in it. A command too long for any platform's
 * request is refused by the kernel before that, the same way. Once decided, a request whose
 * message cannot hold the request and the outcome together says the outcome alone.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { APPROVAL_ACTION_IDS } from '@aof/api';
import { deliverHttp } from '@aof/testkit';
import { startFakeDiscordApi, type FakeDiscordApi } from '../fakes/discord-api.js';
import { startFakeDiscordGateway, type FakeDiscordGateway } from '../fakes/discord-gateway.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-api.js';
import { startFakeWhatsAppApi, type FakeWhatsAppApi } from '../fakes/whatsapp-api.js';
import { APPLICATION_ID, BOT_TOKEN as DISCORD_TOKEN, BOT_USER_ID, GUILD_ID, messageCreate, PUBLIC_KEY } from '../platforms/discord/discord-requests.js';
import { BOT_ID, BOT_TOKEN as TELEGRAM_TOKEN, BOT_USERNAME, messageUpdate, supergroup, WEBHOOK_SECRET, webhookRequest } from '../platforms/telegram/telegram-requests.js';
import { ACCESS_TOKEN, APP_SECRET, DISPLAY_NUMBER, PHONE_NUMBER_ID, signedRequest, textMessage, VERIFY_TOKEN, webhookBody } from '../platforms/whatsapp/whatsapp-requests.js';
import {
  approvalFlowYaml,
  approvalRequest,
  callsWith,
  CHANNELS,
  copyFixture,
  slackClicks,
  slackSays,
  startApprovalDaemon,
  threadMessage,
  threadTexts,
  waitFor,
  type ApprovalDaemon,
} from './support.js';

/** 300 approver ids, all named in the request: with a long enough prefix, more than the platform's message holds. */
function crowd(prefix: string): string[] {
  return Array.from({ length: 300 }, (_unused, index) => `${prefix}${String(index).padStart(4, '0')}`);
}

/** A button-strategy flow that needs approval for `kubectl delete`, from one of `approvers`. */
function flow(name: string, trigger: string, channel: string, approvers: readonly string[]): string {
  return approvalFlowYaml(name, {
    trigger,
    config: [`channels: [${channel}]`],
    approval: ['chains:', '  - name: everyone', `    approvers: [${approvers.join(', ')}]`, '    require: 1', 'require_for: [kubectl delete]', 'strategy: button'],
  });
}

/** The approval fixture with `flows` added (and `patch` over its daemon config), running. */
async function startWith(flows: string, patch: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<ApprovalDaemon> {
  const dir = await copyFixture(patch);
  await writeFile(path.join(dir, 'flows', 'too-long.yaml'), flows);
  try {
    return await startApprovalDaemon({ dir, env });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The `failed` audit entry of the request that asked to run `command`. */
function failedAudit(t: ApprovalDaemon, command: string): Promise<Record<string, unknown>> {
  return waitFor(() => t.logs.find((line) => line.msg === 'approval' && line.audit === true && line.event === 'failed' && line.command === command),
    `the failed audit entry of \`${command}\``);
}

describe('Slack: an approval request too long for a message', () => {
  let t: ApprovalDaemon;
  before(async () => {
    t = await startWith(flow('slack-crowded-flow', 'Slack', 'random', crowd('U0CROWD')));
  });
  after(() => t.stop());

  it('is not posted, not even cut; the requester is told nothing ran, and nothing does', async () => {
    const thread = await slackSays(t, CHANNELS.random, 'U0ALICE0001', 'kubectl delete pod crowded-1');
    const reply = await threadMessage(t, thread, /could not be posted/);
    assert.match(reply, /^`kubectl delete pod crowded-1` needs an approval, but the request could not be posted: it is \d+ characters in Slack's format, more than the 3000 a Slack approval message with buttons holds, and a request is never posted cut\. Nothing was run\.$/);
    assert.deepEqual(threadTexts(t, thread), [reply], 'the reply is all that was posted');
    assert.ok(t.slack.sentMessages().every((sent) => sent.buttons.length === 0), 'no message carries buttons');
    const audit = await failedAudit(t, 'kubectl delete pod crowded-1');
    assert.equal(audit.reason, 'not_posted');
    const tooLong = audit.too_long as Record<string, unknown>;
    assert.deepEqual({ ...tooLong, length: undefined }, { platform: 'Slack', mode: 'button', limit: 3000, length: undefined });
    assert.ok(Number(tooLong.length) > 3000, `the request's length is audited: ${String(tooLong.length)}`);
    assert.deepEqual(await callsWith(t, 'crowded-1'), []);
  });

  it('refuses a command too long for any request to show whole before posting anything: 150 pods, then the one that matters', async () => {
    const names = Array.from({ length: 150 }, (_unused, index) => `web-7d4b9c6f5-${String(index).padStart(5, '0')}`);
    const command = `kubectl delete pod --ignore-not-found ${names.join(' ')} postgres-0`;
    const thread = await slackSays(t, CHANNELS.alerts, 'U0ALICE0001', command);
    const reply = await threadMessage(t, thread, /needs an approval/);
    assert.equal(reply, `\`kubectl delete pod --ignore-not-found web-7d4b9c6f5-00000 …\` needs an approval, but the command is ${command.length} characters long, ` +
      'more than the 500 an approval request shows whole, so no request was made and nothing was run. Split it into shorter commands (fewer names each) and ask for each.');
    assert.deepEqual(threadTexts(t, thread), [reply], 'the reply is all that was posted');
    const audit = await failedAudit(t, command);
    assert.deepEqual([audit.reason, audit.length, audit.limit], ['command_too_long', command.length, 500]);
    assert.deepEqual(await callsWith(t, 'postgres-0'), []);
  });

  it('posts a request that fits whole, with its buttons', async () => {
    const thread = await slackSays(t, CHANNELS.alerts, 'U0ALICE0001', 'kubectl delete pod fits-1');
    const request = await approvalRequest(t, thread);
    const posted = t.slack.sentMessages().find((sent) => sent.messageId === request.ts);
    assert.match(posted?.text ?? '', /`kubectl delete pod fits-1`[\s\S]*Use the Approve or Deny button/);
    assert.equal(posted?.buttons.length, 2);
  });
});

describe('Slack: a decided request too long for its message', () => {
  let t: ApprovalDaemon;
  before(async () => {
    t = await startApprovalDaemon();
  });
  after(() => t.stop());

  it('says the outcome in place of the request, rather than a cut that loses it', async () => {
    // Slack gets `&` as `&amp;`: the request (command once) fits 3,000 characters, the decided text (command twice) does not.
    const pod = `amp-${'&'.repeat(300)}`;
    const thread = await slackSays(t, CHANNELS.alerts, 'U0ALICE0001', `kubectl delete pod '${pod}'`);
    const request = await approvalRequest(t, thread);
    await slackClicks(t, CHANNELS.alerts, request.ts, 'U015SRE', APPROVAL_ACTION_IDS.approve, request.id);
    const closed = await waitFor(() => t.slack.sentMessages().find((sent) => sent.messageId === request.ts && !sent.text.includes('Approval needed')), 'the request closed');
    assert.equal(closed.text, `*Approval request* (${request.id})\n✅ Approved by U015SRE (1 of 1): running \`kubectl delete pod '${pod.replaceAll('&', '&amp;')}'\`.`);
    assert.deepEqual(closed.buttons, []);
    await waitFor(async () => (await callsWith(t, pod)).length === 1, 'the approved call to run');
  });
});

describe('Discord: an approval request too long for a message', () => {
  const channels = { crowded: '1100000000000000011', fits: '1100000000000000012' } as const;
  const user = '1200000000000000001';
  let api: FakeDiscordApi;
  let gateway: FakeDiscordGateway;
  let t: ApprovalDaemon;
  before(async () => {
    const bot = { id: BOT_USER_ID, username: 'aof' };
    gateway = await startFakeDiscordGateway({ botToken: DISCORD_TOKEN, bot, applicationId: APPLICATION_ID });
    api = await startFakeDiscordApi({
      botToken: DISCORD_TOKEN,
      bot,
      channels: { [channels.crowded]: { name: 'crowded', type: 0, guildId: GUILD_ID }, [channels.fits]: { name: 'fits', type: 0, guildId: GUILD_ID } },
      users: { [user]: 'alice' },
    });
    api.setGatewayUrl(gateway.url);
    t = await startWith(
      [flow('discord-crowded-flow', 'Discord', 'crowded', crowd('1300000000000')), flow('discord-fits-flow', 'Discord', 'fits', ['1300000000000001'])].join('---\n'),
      { platforms: { discord: { enabled: true, bot_token_env: 'DISCORD_BOT_TOKEN', public_key_env: 'DISCORD_PUBLIC_KEY', application_id: APPLICATION_ID, api_url: '${FAKE_DISCORD_URL}' } } },
      { DISCORD_BOT_TOKEN: DISCORD_TOKEN, DISCORD_PUBLIC_KEY: PUBLIC_KEY, FAKE_DISCORD_URL: api.url },
    );
    await gateway.waitForSession();
  });
  after(async () => {
    await t?.stop();
    await Promise.all([api?.close(), gateway?.close()]);
  });

  const ask = (channel: string, text: string): void => gateway.dispatch('MESSAGE_CREATE', messageCreate({ channel, user, text, mention: true }));

  it('is not posted, not even cut; the requester is told nothing ran, and nothing does', async () => {
    ask(channels.crowded, 'kubectl delete pod crowded-2');
    const reply = await waitFor(() => api.sentMessages().find((sent) => sent.channelId === channels.crowded), 'the answer in #crowded');
    assert.match(reply.text, /^`kubectl delete pod crowded-2` needs an approval, but the request could not be posted: it is \d+ characters in Discord's format, more than the 2000 a Discord approval message with buttons holds, and a request is never posted cut\. Nothing was run\.$/);
    assert.deepEqual(api.sentMessages().filter((sent) => sent.channelId === channels.crowded), [reply], 'the reply is all that was posted');
    assert.deepEqual(reply.buttons, []);
    const audit = await failedAudit(t, 'kubectl delete pod crowded-2');
    assert.deepEqual([audit.reason, (audit.too_long as Record<string, unknown>).limit], ['not_posted', 2000]);
    assert.deepEqual(await callsWith(t, 'crowded-2'), []);
  });

  it('posts a request that fits whole, with its buttons', async () => {
    ask(channels.fits, 'kubectl delete pod fits-2');
    const posted = await waitFor(() => api.sentMessages().find((sent) => sent.channelId === channels.fits && sent.text.includes('Approval needed')), 'the approval request in #fits');
    assert.match(posted.text, /`kubectl delete pod fits-2`[\s\S]*Use the Approve or Deny button/);
    assert.equal(posted.buttons.length, 2);
  });
});

describe('Telegram: an approval request too long for a message', () => {
  const chats = { crowded: '-1001000000011', fits: '-1001000000012' } as const;
  const user = '1111111';
  let api: FakeTelegramApi;
  let t: ApprovalDaemon;
  before(async () => {
    api = await startFakeTelegramApi({ token: TELEGRAM_TOKEN, bot: { id: BOT_ID, username: BOT_USERNAME } });
    t = await startWith(
      [flow('telegram-crowded-flow', 'Telegram', `"${chats.crowded}"`, crowd('1000000000')), flow('telegram-fits-flow', 'Telegram', `"${chats.fits}"`, ['2000001'])].join('---\n'),
      { platforms: { telegram: { enabled: true, bot_token_env: 'TELEGRAM_BOT_TOKEN', webhook_secret_env: 'TELEGRAM_WEBHOOK_SECRET', bot_username: BOT_USERNAME, api_root: '${FAKE_TELEGRAM_URL}' } } },
      { TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, FAKE_TELEGRAM_URL: api.url },
    );
  });
  after(async () => {
    await t?.stop();
    await api?.close();
  });

  /** Flows take these groups by id: a title is not a name anyone controls. */
  const ask = async (group: keyof typeof chats, text: string): Promise<void> => {
    const chatId = chats[group];
    await deliverHttp(t.url, webhookRequest(messageUpdate({ chatId, userId: user, text, mention: true, chat: supergroup(chatId, group) })));
  };

  it('is not posted, not even cut; the requester is told nothing ran, and nothing does', async () => {
    await ask('crowded', 'kubectl delete pod crowded-3');
    const reply = await waitFor(() => api.sentMessages().find((sent) => sent.channelId === chats.crowded), 'the answer in the crowded group');
    assert.match(reply.text, /^<code>kubectl delete pod crowded-3<\/code> needs an approval, but the request could not be posted: it is \d+ characters in Telegram's format, more than the 4096 a Telegram approval message with buttons holds, and a request is never posted cut\. Nothing was run\.$/);
    assert.deepEqual(api.sentMessages().filter((sent) => sent.channelId === chats.crowded), [reply], 'the reply is all that was posted');
    assert.deepEqual(reply.buttons, []);
    const audit = await failedAudit(t, 'kubectl delete pod crowded-3');
    assert.deepEqual([audit.reason, (audit.too_long as Record<string, unknown>).limit], ['not_posted', 4096]);
    assert.deepEqual(await callsWith(t, 'crowded-3'), []);
  });

  it('posts a request that fits whole, with its buttons', async () => {
    await ask('fits', 'kubectl delete pod fits-3');
    const posted = await waitFor(() => api.sentMessages().find((sent) => sent.channelId === chats.fits && sent.text.includes('Approval needed')), 'the approval request in the fits group');
    assert.match(posted.text, /<code>kubectl delete pod fits-3<\/code>[\s\S]*Use the Approve or Deny button/);
    assert.equal(posted.buttons.length, 2);
  });
});

describe('WhatsApp: an approval request too long for a message', () => {
  /** Groups API groups, named by `chat_names`. */
  const groups = { crowded: 'Y2FwaV9ncm91cDpjcm93ZGVk', fits: 'Y2FwaV9ncm91cDpmaXRz' } as const;
  const user = '16505550100';
  let api: FakeWhatsAppApi;
  let t: ApprovalDaemon;
  before(async () => {
    api = await startFakeWhatsAppApi({ accessToken: ACCESS_TOKEN });
    const whatsapp = {
      enabled: true,
      access_token_env: 'WHATSAPP_ACCESS_TOKEN',
      app_secret_env: 'WHATSAPP_APP_SECRET',
      verify_token_env: 'WHATSAPP_VERIFY_TOKEN',
      phone_number_id: PHONE_NUMBER_ID,
      graph_url: '${FAKE_WHATSAPP_URL}',
      chat_names: { [groups.crowded]: 'crowded', [groups.fits]: 'fits' },
    };
    t = await startWith(
      [flow('whatsapp-crowded-flow', 'WhatsApp', 'crowded', crowd('1650555')), flow('whatsapp-fits-flow', 'WhatsApp', 'fits', ['16505550199'])].join('---\n'),
      { platforms: { whatsapp } },
      { WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN, WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, FAKE_WHATSAPP_URL: api.url },
    );
  });
  after(async () => {
    await t?.stop();
    await api?.close();
  });

  const ask = (group: keyof typeof groups, text: string): Promise<unknown> =>
    deliverHttp(t.url, signedRequest(webhookBody({ from: user, groupId: groups[group] }, [textMessage(`@${DISPLAY_NUMBER} ${text}`)])));

  it('is not posted, not even cut; the requester is told nothing ran, and nothing does', async () => {
    await ask('crowded', 'kubectl delete pod crowded-4');
    const reply = await waitFor(() => api.sentMessages().find((sent) => sent.channelId === groups.crowded), 'the answer in the crowded group');
    assert.match(reply.text, /^`kubectl delete pod crowded-4` needs an approval, but the request could not be posted: it is \d+ characters in WhatsApp's format, more than the 1024 a WhatsApp approval message with buttons holds, and a request is never posted cut\. Nothing was run\.$/);
    assert.deepEqual(api.sentMessages().filter((sent) => sent.channelId === groups.crowded), [reply], 'the reply is all that was posted');
    assert.deepEqual(reply.buttons, []);
    const audit = await failedAudit(t, 'kubectl delete pod crowded-4');
    assert.deepEqual([audit.reason, (audit.too_long as Record<string, unknown>).limit], ['not_posted', 1024]);
    assert.deepEqual(await callsWith(t, 'crowded-4'), []);
  });

  it('posts a request that fits whole, with its buttons', async () => {
    await ask('fits', 'kubectl delete pod fits-4');
    const posted = await waitFor(() => api.sentMessages().find((sent) => sent.channelId === groups.fits && sent.text.includes('Approval needed')), 'the approval request in the fits group');
    assert.match(posted.text, /`kubectl delete pod fits-4`[\s\S]*Use the Approve or Deny button/);
    assert.equal(posted.buttons.length, 2);
  });
});
