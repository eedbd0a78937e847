import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { SlackWorkspaceConfig } from '@aof/plugin-slack';
import { deliverHttp, waitFor } from '@aof/testkit';
import { SAMPLE, startSlack, type SlackTestEnv } from './harness.js';
import { BOT_TOKEN, eventEnvelope, messageEvent, SIGNING_SECRET, signedRequest } from './slack-requests.js';

/** Seed Pattern 5: one Slack workspace (and app) per organization, each with its own credentials. */
const TEAM_A: SlackWorkspaceConfig = { team_id: 'T0ORGA0001', bot_token: 'xoxb-org-a-token', signing_secret: 'org-a-signing-secret' };
const TEAM_B: SlackWorkspaceConfig = { team_id: 'T0ORGB0001', bot_token: 'xoxb-org-b-token', signing_secret: 'org-b-signing-secret' };
const BOTS = {
  [TEAM_A.bot_token]: { userId: 'U0BOTA0001', teamId: TEAM_A.team_id },
  [TEAM_B.bot_token]: { userId: 'U0BOTB0001', teamId: TEAM_B.team_id },
  [BOT_TOKEN]: { userId: 'U0BOTAPP01', teamId: 'T0APPWIDE1' },
};

let env: SlackTestEnv | undefined;

afterEach(async () => {
  await env?.stop();
  env = undefined;
});

function teamEvent(teamId: string, text: string): string {
  return eventEnvelope(messageEvent({ channel: SAMPLE.channelId, user: SAMPLE.userId, text }), { teamId });
}

async function startWorkspaces(workspaces: SlackWorkspaceConfig[], appWide: boolean): Promise<SlackTestEnv> {
  return startSlack({
    config: appWide ? { workspaces } : { workspaces, bot_token: undefined, signing_secret: undefined },
    fake: { bots: BOTS },
  });
}

describe('Slack workspaces (one app per organization)', () => {
  it("verifies a team's event with that team's secret and answers with that team's token", async () => {
    env = await startWorkspaces([TEAM_A, TEAM_B], false);
    const { kernel, api, platform } = env;
    assert.equal((await deliverHttp(kernel.url, signedRequest(teamEvent(TEAM_A.team_id, 'from org a'), { secret: TEAM_A.signing_secret }))).status, 200);
    const message = await waitFor('the org A message', () => kernel.inbound.find((candidate) => candidate.text === 'from org a'));
    assert.equal(message.workspace, TEAM_A.team_id);
    assert.equal(message.channel.name, 'production');
    assert.deepEqual(api.callsTo('conversations.info').map((call) => call.token), [TEAM_A.bot_token]);
    await platform.send({ platform: 'slack', workspace: TEAM_A.team_id, channelId: SAMPLE.channelId, text: 'to org a' });
    await platform.send({ platform: 'slack', workspace: TEAM_B.team_id, channelId: SAMPLE.channelId, text: 'to org b' });
    assert.deepEqual(api.callsTo('chat.postMessage').map((call) => [call.token, call.params.text]), [[TEAM_A.bot_token, 'to org a'], [TEAM_B.bot_token, 'to org b']]);
  });

  it("refuses a team's event signed with another configured team's secret", async () => {
    env = await startWorkspaces([TEAM_A, TEAM_B], false);
    const forged = signedRequest(teamEvent(TEAM_A.team_id, 'org b posing as org a'), { secret: TEAM_B.signing_secret });
    assert.equal((await deliverHttp(env.kernel.url, forged)).status, 401);
  });

  it('refuses team A when only team B is configured', async () => {
    env = await startWorkspaces([TEAM_B], false);
    assert.equal((await deliverHttp(env.kernel.url, signedRequest(teamEvent(TEAM_A.team_id, 'a'), { secret: TEAM_A.signing_secret }))).status, 401);
    assert.equal((await deliverHttp(env.kernel.url, signedRequest(teamEvent(TEAM_B.team_id, 'b'), { secret: TEAM_B.signing_secret }))).status, 200);
  });

  it('lets the app-wide secret sign for any team and falls back to the app-wide token', async () => {
    env = await startWorkspaces([TEAM_A], true);
    const { kernel, api, platform } = env;
    assert.equal((await deliverHttp(kernel.url, signedRequest(teamEvent('T0OTHER001', 'elsewhere'), { secret: SIGNING_SECRET }))).status, 200);
    await waitFor('the message', () => kernel.inbound.find((candidate) => candidate.text === 'elsewhere'));
    await platform.send({ platform: 'slack', workspace: 'T0OTHER001', channelId: SAMPLE.channelId, text: 'fallback' });
    await platform.send({ platform: 'slack', workspace: TEAM_A.team_id, channelId: SAMPLE.channelId, text: 'own token' });
    assert.deepEqual(api.callsTo('chat.postMessage').map((call) => call.token), [BOT_TOKEN, TEAM_A.bot_token]);
  });
});
