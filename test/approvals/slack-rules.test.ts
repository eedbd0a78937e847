/**
 * The approval rules through Slack: a real daemon (pipeline, approval service, sandbox with the
 * fake kubectl) and the Slack plugin against the fake Slack API; votes arrive as signed Events API
 * reactions. The flow is the seed's "Approval Chains" (standard: 1 of U015SRE/U016SRE; critical,
 * for `kubectl delete namespace`: 2 of U015LEAD/U016MANAGER).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  approvalRequest,
  auditEvent,
  auditOf,
  callsWith,
  CHANNELS,
  sleep,
  slackReacts,
  slackSays,
  startApprovalDaemon,
  threadMessage,
  waitFor,
  type ApprovalDaemon,
} from './support.js';

const ALICE = 'U0ALICE0001';

describe('approval rules on Slack', () => {
  let t: ApprovalDaemon;
  before(async () => {
    t = await startApprovalDaemon();
  });
  after(() => t.stop());

  const ask = async (text: string, user = ALICE, channel: string = CHANNELS.production) => {
    const thread = await slackSays(t, channel, user, text);
    return { thread, request: await approvalRequest(t, thread) };
  };

  it('posts a request naming the command, flow, cluster, namespace, approvers and expiry, with ✅ and ❌ added', async () => {
    const { request } = await ask('kubectl delete pod web-1');
    for (const part of ['kubectl delete pod web-1', 'flow slack-prod-flow', 'cluster prod-us-east-1', 'namespace prod',
      'Needs 1 of 2 approvers (chain standard): U015SRE, U016SRE', 'Expires at', 'alice (U0ALICE0001)']) {
      assert.ok(request.text.includes(part), `request mentions "${part}":\n${request.text}`);
    }
    assert.deepEqual(t.slack.reactionsOn(request.ts), ['white_check_mark', 'x']);
    assert.deepEqual(await callsWith(t, 'web-1'), [], 'nothing runs before an approval');
  });

  it('runs exactly the suspended argv once a listed approver reacts ✅, then posts the outcome and the result', async () => {
    const { thread, request } = await ask('kubectl delete pod web-2');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015SRE', 'white_check_mark');
    await threadMessage(t, thread, /Approved by sre-one \(U015SRE\) \(1 of 1\)/);
    await threadMessage(t, thread, /^kubectl --namespace=prod delete pod web-2$/);
    const calls = await callsWith(t, 'web-2');
    assert.deepEqual(calls.map((call) => call.argv), [['--namespace=prod', 'delete', 'pod', 'web-2']]);
  });

  it('refuses self-approval: the requester\'s own ✅ does not count, another approver\'s does', async () => {
    const { thread, request } = await ask('kubectl delete pod self-1', 'U015SRE');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015SRE', 'white_check_mark');
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'self_approval' });
    assert.deepEqual(await callsWith(t, 'self-1'), []);
    await slackReacts(t, CHANNELS.production, request.ts, 'U016SRE', '+1');
    await threadMessage(t, thread, /Approved by sre-two/);
    await waitFor(async () => (await callsWith(t, 'self-1')).length === 1, 'the approved call');
  });

  it('ignores a reaction from someone who is not a listed approver', async () => {
    const { request } = await ask('kubectl delete pod stranger-1');
    await slackReacts(t, CHANNELS.production, request.ts, 'U099STRANGER', 'white_check_mark');
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'not_an_approver', actor: 'slack:T123ABC456:U099STRANGER' });
    await sleep(100);
    assert.deepEqual(await callsWith(t, 'stranger-1'), []);
    assert.equal(auditOf(t, request.id).some((line) => line.event === 'approved'), false);
  });

  it('does not count the approver\'s user id in another workspace', async () => {
    const { request } = await ask('kubectl delete pod workspace-1');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015SRE', 'white_check_mark', { teamId: 'T999OTHER' });
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'not_an_approver', actor: 'slack:T999OTHER:U015SRE' });
    await sleep(100);
    assert.deepEqual(await callsWith(t, 'workspace-1'), []);
  });

  it('needs both approvers of a 2-of-2 chain (the same approver twice counts once)', async () => {
    const { thread, request } = await ask('kubectl delete namespace team-a');
    assert.match(request.text, /Needs 2 of 2 approvers \(chain critical\): U015LEAD, U016MANAGER/);
    await slackReacts(t, CHANNELS.production, request.ts, 'U015LEAD', 'white_check_mark');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015LEAD', 'heavy_check_mark');
    await waitFor(() => auditOf(t, request.id).filter((line) => line.event === 'approval').length === 2, 'both votes');
    await sleep(150);
    assert.deepEqual(await callsWith(t, 'team-a'), [], 'one distinct approver is not enough');
    await slackReacts(t, CHANNELS.production, request.ts, 'U016MANAGER', 'white_check_mark');
    await threadMessage(t, thread, /Approved by lead \(U015LEAD\), manager \(U016MANAGER\) \(2 of 2\)/);
    await waitFor(async () => (await callsWith(t, 'team-a')).length === 1, 'the approved call');
  });

  it('ends the request at once when a listed approver denies, whatever the approvals so far', async () => {
    const { thread, request } = await ask('kubectl delete namespace team-b');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015LEAD', 'white_check_mark');
    await slackReacts(t, CHANNELS.production, request.ts, 'U016MANAGER', 'x');
    await threadMessage(t, thread, /Denied by manager \(U016MANAGER\): `kubectl delete namespace team-b` was not run/);
    await auditEvent(t, request.id, 'denied');
    await slackReacts(t, CHANNELS.production, request.ts, 'U016MANAGER', 'white_check_mark');
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'closed' });
    assert.deepEqual(await callsWith(t, 'team-b'), []);
  });

  it('expires after the flow\'s timeout; an approval after that does nothing', async () => {
    const { thread, request } = await ask('kubectl delete pod late-1', ALICE, CHANNELS.oncall);
    await threadMessage(t, thread, new RegExp(`Request ${request.id} expired at .*: \`kubectl delete pod late-1\` was not run`));
    await auditEvent(t, request.id, 'expired');
    // The request message says so too, instead of still asking for reactions.
    const closed = await waitFor(() => t.slack.sentMessages().find((m) => m.messageId === request.ts && /expired at/.test(m.text)), 'the request marked expired');
    assert.doesNotMatch(closed.text, /React with/);
    await slackReacts(t, CHANNELS.oncall, request.ts, 'U015SRE', 'white_check_mark');
    await auditEvent(t, request.id, 'vote_ignored', { reason: 'closed' });
    assert.deepEqual(await callsWith(t, 'late-1'), []);
  });

  it('withdraws an approval when its reaction is removed while the request is pending', async () => {
    const { thread, request } = await ask('kubectl delete namespace team-c');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015LEAD', 'white_check_mark');
    await auditEvent(t, request.id, 'approval', { actor: 'slack:T123ABC456:U015LEAD' });
    await slackReacts(t, CHANNELS.production, request.ts, 'U015LEAD', 'white_check_mark', { removed: true });
    await auditEvent(t, request.id, 'withdrawal');
    await slackReacts(t, CHANNELS.production, request.ts, 'U016MANAGER', 'white_check_mark');
    await auditEvent(t, request.id, 'approval', { actor: 'slack:T123ABC456:U016MANAGER' });
    await sleep(150);
    assert.deepEqual(await callsWith(t, 'team-c'), [], 'the withdrawn approval no longer counts');
    await slackReacts(t, CHANNELS.production, request.ts, 'U015LEAD', 'white_check_mark');
    await threadMessage(t, thread, /Approved by manager \(U016MANAGER\), lead \(U015LEAD\)/);
    await waitFor(async () => (await callsWith(t, 'team-c')).length === 1, 'the approved call');
  });

  it('runs the command once when two approvals arrive at the same time', async () => {
    const { thread, request } = await ask('kubectl delete pod twice-1');
    await Promise.all([
      slackReacts(t, CHANNELS.production, request.ts, 'U015SRE', 'white_check_mark'),
      slackReacts(t, CHANNELS.production, request.ts, 'U016SRE', 'white_check_mark'),
    ]);
    await auditEvent(t, request.id, 'executed');
    // The second vote either lost the completion lock or found the request already decided.
    await sleep(200);
    assert.equal((await callsWith(t, 'twice-1')).length, 1);
    // One outcome in the thread (the request message itself is edited to say it, once).
    const outcomes = t.slack.sentMessages().filter((m) => m.thread === thread && m.messageId !== request.ts && m.text.includes('Approved by'));
    assert.equal(outcomes.length, 1);
    assert.equal(t.slack.callsTo('chat.update').filter((call) => call.params.ts === request.ts).length, 1);
    assert.equal(auditOf(t, request.id).filter((line) => line.event === 'executed').length, 1);
  });

  it('ignores an approver\'s reaction on any other message, even in the request\'s thread', async () => {
    const { thread, request } = await ask('kubectl delete pod other-1');
    await slackReacts(t, CHANNELS.production, thread, 'U015SRE', 'white_check_mark');
    await waitFor(() => t.logs.some((line) => line.msg === 'request' && line.status === 'dropped' && line.reason === 'no pending approval for this event' && line.user === 'U015SRE'),
      'the reaction dropped');
    await sleep(100);
    assert.deepEqual(await callsWith(t, 'other-1'), []);
    assert.equal(auditOf(t, request.id).some((line) => line.event === 'approval'), false);
  });
});
