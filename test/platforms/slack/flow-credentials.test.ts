/**
 * Seed Pattern 5 at the plugin: flows that carry their own Slack app credentials in
 * `trigger.config`. What a flow's secret signs reaches that flow alone; what the app-wide secret
 * signs reaches every flow but those; the live flow table is read per request, so a reload counts.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { LoadedFlow } from '@aof/api';
import { deliverHttp, waitFor } from '@aof/testkit';
import { loadConfig } from '../../../core/config/load-config.js';
import { seedFixtures } from '../../config/support.js';
import { SAMPLE, startSlack, type SlackTestEnv } from './harness.js';
import { BOT_TOKEN, BOT_USER_ID, eventEnvelope, messageEvent, SIGNING_SECRET, signedRequest, TEAM_ID } from './slack-requests.js';

const ORG_A = { team: 'T0ORGA0001', token: 'xoxb-org-a-flow', secret: 'org-a-flow-signing-secret', bot: 'U0BOTA0001' };
const ORG_B = { team: 'T0ORGB0001', token: 'xoxb-org-b-flow', secret: 'org-b-flow-signing-secret', bot: 'U0BOTB0001' };
const ORG_C = { team: 'T0ORGC0001', token: 'xoxb-org-c-flow', secret: 'org-c-flow-signing-secret', bot: 'U0BOTC0001' };
const BOTS = {
  [BOT_TOKEN]: { userId: BOT_USER_ID, teamId: TEAM_ID },
  [ORG_A.token]: { userId: ORG_A.bot, teamId: ORG_A.team },
  [ORG_B.token]: { userId: ORG_B.bot, teamId: ORG_B.team },
  [ORG_C.token]: { userId: ORG_C.bot, teamId: ORG_C.team },
};

function flow(name: string, index: number, config: Record<string, unknown> = {}, type = 'Slack'): LoadedFlow {
  return {
    flow: { apiVersion: 'aof.dev/v1', kind: 'AgentFlow', metadata: { name }, spec: { trigger: { type, config }, agents: [{ name: 'assistant' }] } },
    index,
    source: { file: `flows/${name}.yaml`, line: 1, column: 1 },
    active: true,
  };
}

const orgFlow = (org: typeof ORG_A, name: string, index: number): LoadedFlow => flow(name, index, { bot_token: org.token, signing_secret: org.secret });

/** The seed's other flows carry the app-wide credentials: they are app-level, not their own. */
const BASE = [
  orgFlow(ORG_A, 'org-a-flow', 0),
  orgFlow(ORG_B, 'org-b-flow', 1),
  flow('prod-flow', 2, { channels: ['production'], bot_token: BOT_TOKEN, signing_secret: SIGNING_SECRET }),
  flow('any-platform', 3, {}, undefined as unknown as string),
];

let env: SlackTestEnv | undefined;
let table: LoadedFlow[] = BASE;

afterEach(async () => {
  await env?.stop();
  env = undefined;
  table = BASE;
});

async function start(): Promise<SlackTestEnv> {
  env = await startSlack({ fake: { bots: BOTS }, kernel: { flows: () => table } });
  return env;
}

function eventFrom(team: string, text: string): string {
  return eventEnvelope(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text }), { teamId: team });
}

async function deliver(t: SlackTestEnv, team: string, secret: string, text: string): Promise<number> {
  return (await deliverHttp(t.kernel.url, signedRequest(eventFrom(team, text), { secret }))).status;
}

describe('Slack flows with their own credentials (seed Pattern 5)', () => {
  it("limits an event to the flows whose own secret signed it, and answers in that workspace with their token", async () => {
    const t = await start();
    assert.equal(await deliver(t, ORG_A.team, ORG_A.secret, 'from org a'), 200);
    assert.equal(await deliver(t, ORG_B.team, ORG_B.secret, 'from org b'), 200);
    const a = await waitFor('org A', () => t.kernel.inbound.find((m) => m.text === 'from org a'));
    const b = await waitFor('org B', () => t.kernel.inbound.find((m) => m.text === 'from org b'));
    assert.deepEqual([a.workspace, a.flows], [ORG_A.team, ['org-a-flow']]);
    assert.deepEqual([b.workspace, b.flows], [ORG_B.team, ['org-b-flow']]);
    // The workspace's channel name was asked with the workspace's own token.
    assert.equal(a.channel.name, 'production');
    assert.ok(t.api.callsTo('conversations.info').some((call) => call.token === ORG_A.token));
    await t.platform.send({ platform: 'slack', workspace: ORG_A.team, channelId: SAMPLE.channelId, text: 'to org a' });
    await t.platform.send({ platform: 'slack', workspace: ORG_B.team, channelId: SAMPLE.channelId, text: 'to org b' });
    await t.platform.send({ platform: 'slack', workspace: TEAM_ID, channelId: SAMPLE.channelId, text: 'to the app workspace' });
    assert.deepEqual(t.api.callsTo('chat.postMessage').map((call) => [call.token, call.params.text]), [
      [ORG_A.token, 'to org a'], [ORG_B.token, 'to org b'], [BOT_TOKEN, 'to the app workspace'],
    ]);
  });

  it("answers for each flow with its own app where two apps share a workspace: an app-level flow's reply and approval request there use the app-wide token", async () => {
    const t = await start();
    // Org A's workspace has both apps installed; its own secret makes its token's team known first.
    assert.equal(await deliver(t, ORG_A.team, ORG_A.secret, 'warm org a'), 200);
    await waitFor('org A', () => t.kernel.inbound.find((m) => m.text === 'warm org a'));
    const outcome = (flow: string) => ({ requestId: `r-${flow}`, flow, agent: 'assistant', status: 'ok', latencyMs: 1 });
    await t.platform.send({ platform: 'slack', workspace: ORG_A.team, channelId: SAMPLE.channelId, text: 'from prod-flow', outcome: outcome('prod-flow') });
    await t.platform.send({ platform: 'slack', workspace: ORG_A.team, channelId: SAMPLE.channelId, text: 'from org-a-flow', outcome: outcome('org-a-flow') });
    await t.platform.send({ platform: 'slack', workspace: ORG_A.team, channelId: SAMPLE.channelId, text: 'no flow named' });
    const approval = (flow: string) => ({ channelId: SAMPLE.channelId, workspace: ORG_A.team, flow, text: `approve for ${flow}`, approvalId: `a-${flow}`, mode: 'button' as const });
    const prodRequest = await t.platform.postApprovalRequest!(approval('prod-flow'));
    await t.platform.postApprovalRequest!(approval('org-a-flow'));
    await t.platform.closeApprovalRequest!({ channelId: SAMPLE.channelId, messageId: prodRequest.messageId, workspace: ORG_A.team, flow: 'prod-flow', text: 'approved', summary: 'approved', mode: 'button' });
    assert.deepEqual(t.api.callsTo('chat.postMessage').map((call) => [call.token, call.params.text]), [
      [BOT_TOKEN, 'from prod-flow'], [ORG_A.token, 'from org-a-flow'], [ORG_A.token, 'no flow named'],
      [BOT_TOKEN, 'approve for prod-flow'], [ORG_A.token, 'approve for org-a-flow'],
    ]);
    assert.deepEqual(t.api.callsTo('chat.update').map((call) => [call.token, call.params.text]), [[BOT_TOKEN, 'approved']]);
  });

  it('answers for a flow of an app installed in two workspaces with the token issued where it answers', async () => {
    // One organization's app (one secret) in two workspaces; each flow carries one workspace's token.
    table = [flow('x-flow', 0, { bot_token: ORG_A.token, signing_secret: ORG_A.secret }), flow('y-flow', 1, { bot_token: ORG_C.token, signing_secret: ORG_A.secret })];
    const t = await start();
    assert.equal(await deliver(t, ORG_C.team, ORG_A.secret, 'from the second workspace'), 200);
    const message = await waitFor('second workspace', () => t.kernel.inbound.find((m) => m.text === 'from the second workspace'));
    assert.deepEqual(message.flows, ['x-flow', 'y-flow']);
    const outcome = { requestId: 'r-x', flow: 'x-flow', agent: 'assistant', status: 'ok', latencyMs: 1 };
    await t.platform.send({ platform: 'slack', workspace: ORG_C.team, channelId: SAMPLE.channelId, text: 'x answers there', outcome });
    await t.platform.send({ platform: 'slack', workspace: ORG_A.team, channelId: SAMPLE.channelId, text: 'x answers at home', outcome });
    assert.deepEqual(t.api.callsTo('chat.postMessage').map((call) => [call.token, call.params.text]), [
      [ORG_C.token, 'x answers there'], [ORG_A.token, 'x answers at home'],
    ]);
  });

  it('serves with the flows\' own credentials alone, no app-wide ones configured', async () => {
    table = [orgFlow(ORG_A, 'org-a-flow', 0), flow('plain-flow', 1)];
    const t = env = await startSlack({ config: { bot_token: undefined, signing_secret: undefined }, fake: { bots: BOTS }, kernel: { flows: () => table } });
    assert.equal(await deliver(t, ORG_A.team, ORG_A.secret, 'org a only'), 200);
    const message = await waitFor('org A', () => t.kernel.inbound.find((m) => m.text === 'org a only'));
    assert.deepEqual([message.workspace, message.flows], [ORG_A.team, ['org-a-flow']]);
    // Nothing app-wide verifies a request now.
    assert.equal(await deliver(t, TEAM_ID, SIGNING_SECRET, 'app level'), 401);
    await t.platform.send({ platform: 'slack', workspace: ORG_A.team, channelId: SAMPLE.channelId, text: 'answer to org a' });
    assert.deepEqual(t.api.callsTo('chat.postMessage').map((call) => [call.token, call.params.text]), [[ORG_A.token, 'answer to org a']]);
  });

  it('keeps what the app-wide secret signs away from the flows with their own credentials', async () => {
    const t = await start();
    assert.equal(await deliver(t, TEAM_ID, SIGNING_SECRET, 'app level'), 200);
    const message = await waitFor('the app-level event', () => t.kernel.inbound.find((m) => m.text === 'app level'));
    assert.deepEqual(message.flows, ['prod-flow', 'any-platform']);
  });

  it("refuses a flow's secret signing for another workspace, a forged signature, and a secret no flow carries any more", async () => {
    const t = await start();
    assert.equal(await deliver(t, ORG_A.team, ORG_B.secret, 'org b posing as org a'), 401);
    assert.equal(await deliver(t, ORG_A.team, 'not-a-signing-secret', 'forged'), 401);
    assert.equal(await deliver(t, ORG_C.team, ORG_C.secret, 'not configured'), 401);
    const metrics = await (await fetch(`${t.kernel.url}/metrics`)).text();
    assert.match(metrics, /^agentflow_webhook_rejections_total\{platform="slack",reason="mismatch"\} 3$/m);
    assert.equal(t.kernel.inbound.length, 0);
  });

  it('follows the live flow table: a flow added, changed or removed counts from the next request', async () => {
    const t = await start();
    table = [...BASE, orgFlow(ORG_C, 'org-c-flow', 4)];
    assert.equal(await deliver(t, ORG_C.team, ORG_C.secret, 'org c joined'), 200);
    const joined = await waitFor('org C', () => t.kernel.inbound.find((m) => m.text === 'org c joined'));
    assert.deepEqual(joined.flows, ['org-c-flow']);
    table = BASE.filter((f) => f.flow.metadata.name !== 'org-a-flow');
    assert.equal(await deliver(t, ORG_A.team, ORG_A.secret, 'org a left'), 401);
    // org-b-flow now carries org A's credentials: A's events reach it, B's secret is refused.
    table = [orgFlow(ORG_A, 'org-b-flow', 0)];
    assert.equal(await deliver(t, ORG_B.team, ORG_B.secret, 'old secret'), 401);
    assert.equal(await deliver(t, ORG_A.team, ORG_A.secret, 'moved'), 200);
    const moved = await waitFor('the moved flow', () => t.kernel.inbound.find((m) => m.text === 'moved'));
    assert.deepEqual(moved.flows, ['org-b-flow']);
  });

  it('refuses what a flow secret signs when no flow with it carries a bot token (nothing says which workspace it is for)', async () => {
    table = [flow('tokenless', 0, { signing_secret: ORG_A.secret })];
    const t = await start();
    assert.equal(await deliver(t, ORG_A.team, ORG_A.secret, 'whose?'), 401);
    assert.equal(await deliver(t, TEAM_ID, SIGNING_SECRET, 'app level'), 200);
    const message = await waitFor('the app-level event', () => t.kernel.inbound.find((m) => m.text === 'app level'));
    assert.deepEqual(message.flows, []);
  });

  it('leaves app-level events unlimited when no flow has credentials of its own', async () => {
    table = BASE.slice(2);
    const t = await start();
    assert.equal(await deliver(t, TEAM_ID, SIGNING_SECRET, 'as before'), 200);
    const message = await waitFor('the event', () => t.kernel.inbound.find((m) => m.text === 'as before'));
    assert.equal(message.flows, undefined);
  });
});

describe('the seed document, Pattern 5', () => {
  it("keeps org-a-flow's workspace apart; the seed's other Slack flows, which carry the app-wide credentials, are app-level", async () => {
    const seedEnv = {
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, TELEGRAM_BOT_TOKEN: '1:t', DISCORD_BOT_TOKEN: 'd',
      KUBECONFIG_PROD: '/k/prod', KUBECONFIG_STAGING: '/k/staging',
      SLACK_BOT_TOKEN_ORG_A: ORG_A.token, SLACK_SIGNING_SECRET_ORG_A: ORG_A.secret, KUBECONFIG_ORG_A: '/k/org-a',
    };
    const seed = await loadConfig(path.join(seedFixtures, 'daemon-config.yaml'), { env: seedEnv });
    table = seed.flows;
    const t = await start();
    assert.equal(await deliver(t, ORG_A.team, ORG_A.secret, 'org a'), 200);
    assert.equal(await deliver(t, TEAM_ID, SIGNING_SECRET, 'app'), 200);
    const orgA = await waitFor('org A', () => t.kernel.inbound.find((m) => m.text === 'org a'));
    const app = await waitFor('app', () => t.kernel.inbound.find((m) => m.text === 'app'));
    assert.deepEqual(orgA.flows, ['org-a-flow']);
    assert.deepEqual(app.flows, seed.flows.map((f) => f.flow.metadata.name).filter((name) => name !== 'org-a-flow'));
  });
});
