/**
 * Seed Pattern 5 and approvals: another tenant's Slack app, installed in the same workspace with
 * its own signing secret, reaches only its own flow. Its admin knows that secret and can sign any
 * event, so nothing it signs may count as a vote on the app-wide flows' requests: not a reaction,
 * its removal, a button or a typed command, pending or decided. The same votes signed with the
 * app-wide secret still count.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { APPROVAL_ACTION_IDS } from '@aof/api';
import {
  approvalFlowYaml,
  approvalRequest,
  auditEvent,
  auditOf,
  callsWith,
  CHANNELS,
  copyFixture,
  sleep,
  slackClicks,
  slackReacts,
  slackSays,
  startApprovalDaemon,
  TEAM_ID,
  threadMessage,
  waitFor,
  type ApprovalDaemon,
  type SignedBy,
} from './support.js';

const ALICE = 'U0ALICE0001';
const TEAM_B = { secret: 'team-b-own-signing-secret-51c7', token: 'xoxb-team-b-own-bot-token-51c7', bot: 'U0BOTB00001' };
const TEAM_B_FLOW = approvalFlowYaml('team-b-flow', {
  trigger: 'Slack',
  config: ['channels: [random]', `bot_token: ${TEAM_B.token}`, `signing_secret: ${TEAM_B.secret}`],
  approval: ['allowed_users: [U015SRE]', 'require_for: [kubectl delete]'],
});
const signedByB = { secret: TEAM_B.secret };

describe("votes signed with another tenant's Slack secret", () => {
  let t: ApprovalDaemon;
  before(async () => {
    const dir = await copyFixture();
    await writeFile(path.join(dir, 'flows', 'team-b-flow.yaml'), TEAM_B_FLOW);
    t = await startApprovalDaemon({ dir, slackBots: { [TEAM_B.token]: { userId: TEAM_B.bot, teamId: TEAM_ID } } });
  });
  after(() => t.stop());

  const ask = async (text: string, channel: string = CHANNELS.production, options: SignedBy = {}) => {
    const thread = await slackSays(t, channel, ALICE, text, options);
    return { thread, request: await approvalRequest(t, thread) };
  };

  /** A typed command's answer: the text, and the bot token it was posted with. */
  const answerTo = (ts: string) => waitFor(() => t.slack.callsTo('chat.postMessage').find((call) => call.params.thread_ts === ts), `an answer to ${ts}`);

  it('ignores a forged ✅ (audited as other_tenant); the same approver\'s genuine ✅ runs the command once', async () => {
    const { request } = await ask('kubectl delete pod tenant-r1');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015SRE', 'white_check_mark', signedByB);
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'other_tenant', vote: 'approve', actor: `slack:${TEAM_ID}:U015SRE` });
    await sleep(100);
    assert.deepEqual(await callsWith(t, 'tenant-r1'), [], 'the forged vote ran nothing');
    assert.deepEqual(auditOf(t, request.id).map((line) => line.event), ['requested', 'vote_ignored']);
    await slackReacts(t, CHANNELS.production, request.ts, 'U015SRE', 'white_check_mark');
    await auditEvent(t, request.id, 'executed');
    assert.equal((await callsWith(t, 'tenant-r1')).length, 1);
  });

  it('ignores a forged removal: a genuine approval is not taken back', async () => {
    const { thread, request } = await ask('kubectl delete namespace tenant-w1');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015LEAD', 'white_check_mark');
    await auditEvent(t, request.id, 'approval');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015LEAD', 'white_check_mark', { ...signedByB, removed: true });
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'other_tenant', vote: 'withdraw' });
    await slackReacts(t, CHANNELS.production, request.ts, 'U016MANAGER', 'white_check_mark');
    await threadMessage(t, thread, /Approved by lead \(U015LEAD\), manager \(U016MANAGER\) \(2 of 2\)/);
    assert.equal(auditOf(t, request.id).some((line) => line.event === 'withdrawal'), false);
  });

  it('ignores a forged button click; a genuine one runs the command', async () => {
    const { request } = await ask('kubectl delete pod tenant-b1', CHANNELS.alerts);
    await slackClicks(t, CHANNELS.alerts, request.ts, 'U015SRE', APPROVAL_ACTION_IDS.approve, request.id, signedByB);
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'other_tenant', vote: 'approve' });
    await sleep(100);
    assert.deepEqual(await callsWith(t, 'tenant-b1'), []);
    await slackClicks(t, CHANNELS.alerts, request.ts, 'U015SRE', APPROVAL_ACTION_IDS.approve, request.id);
    await auditEvent(t, request.id, 'executed');
    assert.equal((await callsWith(t, 'tenant-b1')).length, 1);
  });

  it('answers a forged `/approve ID` with its own app that it does not count, before and after the request is decided', async () => {
    const { thread, request } = await ask('kubectl delete pod tenant-t1');
    const forged = await slackSays(t, CHANNELS.production, 'U015SRE', `/approve ${request.id}`, signedByB);
    const answer = await answerTo(forged);
    assert.equal(answer.params.text, `${request.id} belongs to a flow that messages sent this way cannot reach, so this does not count.`);
    assert.equal(answer.token, TEAM_B.token, "answered by the app that received it, not as slack-prod-flow's");
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'other_tenant', vote: 'approve' });
    assert.deepEqual(await callsWith(t, 'tenant-t1'), []);

    await slackSays(t, CHANNELS.production, 'U016SRE', `/deny ${request.id}`);
    await threadMessage(t, thread, /Denied by sre-two/);
    const late = await slackSays(t, CHANNELS.production, 'U015SRE', `/approve ${request.id}`, signedByB);
    assert.match(String((await answerTo(late)).params.text), /does not count/, 'another tenant is not told what became of the request');
    assert.deepEqual(await callsWith(t, 'tenant-t1'), []);
  });

  it("does not count the app-wide app's votes on the other tenant's own requests either", async () => {
    const { request } = await ask('kubectl delete pod tenant-own-1', CHANNELS.random, signedByB);
    assert.match(request.text, /flow team-b-flow/);
    await slackReacts(t, CHANNELS.random, request.ts, 'U015SRE', 'white_check_mark');
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'other_tenant', vote: 'approve' });
    await sleep(100);
    assert.deepEqual(await callsWith(t, 'tenant-own-1'), []);
    await slackReacts(t, CHANNELS.random, request.ts, 'U015SRE', 'white_check_mark', signedByB);
    await auditEvent(t, request.id, 'executed');
    assert.equal((await callsWith(t, 'tenant-own-1')).length, 1);
  });
});
