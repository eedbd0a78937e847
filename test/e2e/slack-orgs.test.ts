/**
 * Slack end to end, seed Pattern 5 (one daemon, several organizations' Slack apps): two flows
 * carry their own signing secret and bot token, next to the app's own credentials. An event is
 * verified with the secret that signed it, reaches only the flows that carry that secret (however
 * well another flow's filters match it), and is answered with their bot token. A slash command
 * reaches the `command` model with its argument text alone.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deliverHttp, type WebhookRequest } from '@aof/testkit';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { fixturesDir } from '../helpers/paths.js';
import { BOT_TOKEN, BOT_USER_ID, eventEnvelope, FORM, messageEvent, SIGNING_SECRET, signedRequest, TEAM_ID } from '../platforms/slack/slack-requests.js';
import {
  assertFastAck,
  assertKubectlRan,
  assertOnlyBarrierRan,
  assertRequestLine,
  COMMAND,
  kubectlCalls,
  deliverTimed,
  progress,
  startE2eDaemon,
  waitForReply,
  type E2eDaemon,
} from './support.js';

const PRODUCTION = 'C0PROD00001';
const USER = 'U0ALICE0001';
const THREAD = '1700000000.000100';
const ORG_A = { team: 'T0ORGA0001', token: 'xoxb-org-a-e2e', secret: 'org-a-signing-secret-e2e', bot: 'U0BOTA0001' };
const ORG_B = { team: 'T0ORGB0001', token: 'xoxb-org-b-e2e', secret: 'org-b-signing-secret-e2e', bot: 'U0BOTB0001' };
const ORG_C = { team: 'T0ORGC0001', token: 'xoxb-org-c-e2e', secret: 'org-c-signing-secret-e2e', bot: 'U0BOTC0001' };
const KUBECONFIG = { orgA: '/etc/aof/e2e/org-a.kubeconfig', orgB: '/etc/aof/e2e/org-b.kubeconfig', app: '/etc/aof/e2e/app.kubeconfig' };

/** `@bot kubectl get pods -n staging` in a #production thread of `team`, signed with `secret`. */
function mention(team: string, bot: string, secret: string): WebhookRequest {
  const event = messageEvent({ type: 'app_mention', channel: PRODUCTION, user: USER, text: `<@${bot}> ${COMMAND}`, thread: THREAD });
  return signedRequest(eventEnvelope(event, { teamId: team }), { secret });
}

/** A plain channel message (not a mention), as a flow without an `events` filter takes it. */
function message(team: string, secret: string): WebhookRequest {
  return signedRequest(eventEnvelope(messageEvent({ channel: PRODUCTION, user: USER, text: COMMAND, thread: THREAD }), { teamId: team }), { secret });
}

/** `/aof kubectl get pods -n staging` as Slack posts a slash command: a signed form. */
function slashCommand(): WebhookRequest {
  const body = new URLSearchParams({
    token: 'legacy', team_id: TEAM_ID, team_domain: 'aof', channel_id: PRODUCTION, channel_name: 'production',
    user_id: USER, user_name: 'alice', command: '/aof', text: COMMAND, api_app_id: 'A0AOFTEST',
    response_url: 'https://hooks.slack.com/commands/T/1/x', trigger_id: `${Date.now()}.trigger`,
  }).toString();
  return signedRequest(body, { contentType: FORM });
}

describe('Slack organizations with their own credentials, end to end through the daemon', () => {
  let api: FakeSlackApi;
  let t: E2eDaemon;
  const replies = (): number => api.sentMessages().length;
  const lastPostToken = (): string | undefined => api.callsTo('chat.postMessage').at(-1)?.token;

  before(async () => {
    api = await startFakeSlackApi({
      channels: { [PRODUCTION]: 'production' },
      users: { [USER]: 'alice' },
      bots: {
        [BOT_TOKEN]: { userId: BOT_USER_ID, teamId: TEAM_ID },
        [ORG_A.token]: { userId: ORG_A.bot, teamId: ORG_A.team },
        [ORG_B.token]: { userId: ORG_B.bot, teamId: ORG_B.team },
      },
    });
    t = await startE2eDaemon('slack-orgs', {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN_ORG_A: ORG_A.token,
      SLACK_SIGNING_SECRET_ORG_A: ORG_A.secret,
      SLACK_BOT_TOKEN_ORG_B: ORG_B.token,
      SLACK_SIGNING_SECRET_ORG_B: ORG_B.secret,
      FAKE_SLACK_URL: api.url,
    });
  });
  after(async () => {
    await t?.stop();
    await api?.close();
  });

  it("routes org A's mention to org-a-flow alone, though org-b-flow's pattern and app-flow's channel match it too, and answers with A's token", async () => {
    const start = progress(t, replies);
    assertFastAck(await deliverTimed(t, mention(ORG_A.team, ORG_A.bot, ORG_A.secret), replies), start);
    await assertKubectlRan(t, start, KUBECONFIG.orgA);
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === PRODUCTION);
    assert.equal(reply.thread, THREAD);
    assert.equal(lastPostToken(), ORG_A.token);
    await assertRequestLine(t, start, { flow: 'org-a-flow', platform: 'slack', channel: 'production' });
  });

  it("routes org B's message to org-b-flow (credentials named with *_env), never app-flow, and answers with B's token", async () => {
    const start = progress(t, replies);
    assertFastAck(await deliverTimed(t, message(ORG_B.team, ORG_B.secret), replies), start);
    await assertKubectlRan(t, start, KUBECONFIG.orgB);
    await waitForReply(() => api.sentMessages().slice(start.replies), (sent) => sent.channelId === PRODUCTION);
    assert.equal(lastPostToken(), ORG_B.token);
    await assertRequestLine(t, start, { flow: 'org-b-flow', platform: 'slack', channel: 'production' });
  });

  it("refuses with 401 a forged signature and org B's secret signing for org A's workspace; runs nothing", async () => {
    const start = progress(t, replies);
    const forged = await deliverTimed(t, mention(ORG_A.team, ORG_A.bot, 'not-a-signing-secret'), replies);
    assert.equal(forged.status, 401);
    const crossed = await deliverTimed(t, message(ORG_A.team, ORG_B.secret), replies);
    assert.equal(crossed.status, 401);
    // The barrier: an app-level message, which reaches app-flow and neither organization's flow.
    assertFastAck(await deliverTimed(t, message(TEAM_ID, SIGNING_SECRET), replies), start);
    await assertKubectlRan(t, start, KUBECONFIG.app);
    await waitForReply(() => api.sentMessages().slice(start.replies), (sent) => sent.channelId === PRODUCTION);
    assert.equal(lastPostToken(), BOT_TOKEN);
    await assertRequestLine(t, start, { flow: 'app-flow', platform: 'slack', channel: 'production' });
    assertOnlyBarrierRan(t, start, KUBECONFIG.app);
  });

  it('runs a slash command\'s argument text as the command: /aof kubectl get pods -n staging runs kubectl get pods -n staging', async () => {
    const start = progress(t, replies);
    assertFastAck(await deliverTimed(t, slashCommand(), replies), start);
    await assertKubectlRan(t, start, KUBECONFIG.app);
    const reply = await waitForReply(() => api.sentMessages().slice(start.replies), (sent) => sent.channelId === PRODUCTION);
    assert.equal(reply.thread, undefined, 'a slash command starts no thread');
    await assertRequestLine(t, start, { flow: 'app-flow', platform: 'slack', channel: 'production' });
  });
});

/** Organization C joins while the daemon runs: its flow file is added and the config reloaded. */
const ORG_C_FLOW = `apiVersion: aof.dev/v1
kind: AgentFlow
metadata:
  name: org-c-flow
spec:
  trigger:
    type: Slack
    config:
      bot_token: ${ORG_C.token}
      signing_secret: ${ORG_C.secret}
  context:
    env:
      FAKE_KUBECTL_LOG: \${FAKE_KUBECTL_LOG}
      PATH: \${E2E_BIN}:\${PATH}
      KUBECONFIG: /etc/aof/e2e/org-c.kubeconfig
  agents:
    - name: k8s-ops
`;

describe('a flow with its own Slack credentials added by a reload', () => {
  let api: FakeSlackApi;
  let t: TestDaemon;
  let flowsDir: string;

  before(async () => {
    api = await startFakeSlackApi({
      channels: { [PRODUCTION]: 'production' },
      bots: { [BOT_TOKEN]: { userId: BOT_USER_ID, teamId: TEAM_ID }, [ORG_C.token]: { userId: ORG_C.bot, teamId: ORG_C.team } },
    });
    flowsDir = await mkdtemp(path.join(tmpdir(), 'aof-slack-orgs-'));
    const gate = path.join(flowsDir, 'gate');
    await writeFile(gate, '');
    await copyFile(path.join(fixturesDir, 'e2e', 'slack-orgs', 'flows', 'flows.yaml'), path.join(flowsDir, 'flows.yaml'));
    t = await startTestDaemon({
      configPath: path.join(fixturesDir, 'e2e', 'slack-orgs', 'daemon-config.yaml'),
      flowsDir,
      env: {
        E2E_GATE: gate, E2E_BIN: path.join(fixturesDir, 'e2e', 'bin'), FAKE_SLACK_URL: api.url,
        SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN_ORG_A: ORG_A.token, SLACK_SIGNING_SECRET_ORG_A: ORG_A.secret,
        SLACK_BOT_TOKEN_ORG_B: ORG_B.token, SLACK_SIGNING_SECRET_ORG_B: ORG_B.secret,
      },
    });
  });
  after(async () => {
    await t?.stop();
    await api?.close();
    await rm(flowsDir, { recursive: true, force: true });
  });

  it('refuses org C before the reload and routes it to org-c-flow, answered with its token, after; no restart', async () => {
    assert.equal((await deliverHttp(t.url, message(ORG_C.team, ORG_C.secret))).status, 401);
    await writeFile(path.join(flowsDir, 'org-c-flow.yaml'), ORG_C_FLOW);
    await t.daemon.reload('test');
    assert.equal((await deliverHttp(t.url, message(ORG_C.team, ORG_C.secret))).status, 200);
    const reply = await waitForReply(() => api.sentMessages(), (sent) => sent.channelId === PRODUCTION);
    assert.equal(api.callsTo('chat.postMessage').at(-1)?.token, ORG_C.token);
    assert.equal(reply.thread, THREAD);
    assert.deepEqual(kubectlCalls(t).map((call) => call.env.KUBECONFIG), ['/etc/aof/e2e/org-c.kubeconfig']);
  });
});
