/**
 * The approval rules on the local platform, which has no reactions: the flow uses the `command`
 * strategy and approvers answer `/approve ID`, `/deny ID` or `/withdraw ID`. Chains: `single`
 * (1 of bob, carol, slack:T123ABC456:U015SRE) for `kubectl delete`, `pair` (2 of bob and carol)
 * for `kubectl delete namespace`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditEvent, auditOf, callsWith, localRecord, localRequest, localResult, localSays, sleep, startApprovalDaemon, waitFor, type ApprovalDaemon } from './support.js';

describe('approval rules on the local platform (command strategy)', () => {
  let t: ApprovalDaemon;
  before(async () => {
    t = await startApprovalDaemon();
  });
  after(() => t.stop());

  it('answers the asking message with the request and `/approve ID` instructions; an approver\'s command runs the exact argv', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'alice', 'kubectl delete pod web-l1');
    assert.equal(reply.flow, 'local-approvals-flow');
    for (const part of ['`kubectl delete pod web-l1`', 'flow local-approvals-flow', 'cluster local-prod', 'namespace prod',
      'Needs 1 of 3 approvers (chain single): bob, carol, slack:T123ABC456:U015SRE', 'Expires at', `\`/approve ${id}\``]) {
      assert.ok(reply.reply?.includes(part), `request mentions "${part}":\n${reply.reply}`);
    }
    const approved = await localSays(t, 'ops', 'bob', `/approve ${id}`);
    assert.equal(approved.status, 'approved');
    assert.match(approved.reply ?? '', /Approved by bob \(1 of 1\): running `kubectl delete pod web-l1`/);
    const result = await localResult(t, reply.id);
    assert.equal(result.status, 'ok');
    assert.equal(result.reply, 'kubectl --namespace=prod delete pod web-l1');
    assert.deepEqual((await callsWith(t, 'web-l1')).map((call) => call.argv), [['--namespace=prod', 'delete', 'pod', 'web-l1']]);
  });

  it('refuses self-approval', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'bob', 'kubectl delete pod self-l1');
    const own = await localSays(t, 'ops', 'bob', `/approve ${id}`);
    assert.equal(own.status, 'ignored');
    assert.match(own.reply ?? '', /does not allow self-approval/);
    assert.deepEqual(await callsWith(t, 'self-l1'), []);
    await localSays(t, 'ops', 'carol', `approve ${id}`);
    assert.equal((await localResult(t, reply.id)).status, 'ok');
    assert.equal((await callsWith(t, 'self-l1')).length, 1);
  });

  it('ignores someone who is not an approver', async () => {
    const { id } = await localRequest(t, 'ops', 'alice', 'kubectl delete pod stranger-l1');
    const answer = await localSays(t, 'ops', 'mallory', `/approve ${id}`);
    assert.equal(answer.status, 'ignored');
    assert.match(answer.reply ?? '', /not an approver/);
    await auditEvent(t, id, 'vote_ignored', { reason: 'not_an_approver', actor: 'local::mallory' });
    assert.deepEqual(await callsWith(t, 'stranger-l1'), []);
  });

  it('does not count an approver\'s user id from another platform', async () => {
    const { id } = await localRequest(t, 'ops', 'alice', 'kubectl delete pod platform-l1');
    const answer = await localSays(t, 'ops', 'U015SRE', `/approve ${id}`);
    assert.equal(answer.status, 'ignored', 'slack:T123ABC456:U015SRE is the approver, local U015SRE is not');
    assert.deepEqual(await callsWith(t, 'platform-l1'), []);
  });

  it('needs both approvers of a 2-of-2 chain', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'alice', 'kubectl delete namespace team-l');
    assert.match(reply.reply ?? '', /Needs 2 of 2 approvers \(chain pair\): bob, carol/);
    const first = await localSays(t, 'ops', 'bob', `/approve ${id}`);
    assert.equal(first.status, 'recorded');
    assert.match(first.reply ?? '', /1 of 2 needed/);
    assert.equal((await localSays(t, 'ops', 'bob', `/approve ${id}`)).reply, `Approval of ${id} recorded: 1 of 2 needed.`, 'the same approver twice counts once');
    assert.deepEqual(await callsWith(t, 'team-l'), []);
    const second = await localSays(t, 'ops', 'carol', `/approve ${id}`);
    assert.match(second.reply ?? '', /Approved by bob, carol \(2 of 2\)/);
    assert.equal((await localResult(t, reply.id)).status, 'ok');
    assert.equal((await callsWith(t, 'team-l')).length, 1);
  });

  it('ends the request when an approver denies', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'alice', 'kubectl delete namespace deny-l');
    await localSays(t, 'ops', 'bob', `/approve ${id}`);
    const denied = await localSays(t, 'ops', 'carol', `/deny ${id}`);
    assert.equal(denied.status, 'denied');
    assert.match(denied.reply ?? '', /Denied by carol: `kubectl delete namespace deny-l` was not run/);
    assert.equal((await localRecord(t, reply.id)).status, 'denied');
    const late = await localSays(t, 'ops', 'carol', `/approve ${id}`);
    assert.equal(late.reply, `Request ${id} is already denied; nothing changed.`);
    assert.deepEqual(await callsWith(t, 'deny-l'), []);
  });

  it('expires after the flow\'s timeout and can no longer be approved', async () => {
    const { reply, id } = await localRequest(t, 'fast', 'alice', 'kubectl delete pod late-l1');
    const expired = await localResult(t, reply.id, 5_000);
    assert.equal(expired.status, 'expired');
    assert.match(expired.reply ?? '', new RegExp(`Request ${id} expired at`));
    const late = await localSays(t, 'fast', 'bob', `/approve ${id}`);
    assert.equal(late.reply, `Request ${id} is already expired; nothing changed.`);
    assert.deepEqual(await callsWith(t, 'late-l1'), []);
  });

  it('takes an approval back with `/withdraw ID` while the request is pending', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'alice', 'kubectl delete namespace withdraw-l');
    await localSays(t, 'ops', 'bob', `/approve ${id}`);
    assert.equal((await localSays(t, 'ops', 'bob', `/withdraw ${id}`)).reply, `Approval of ${id} withdrawn: 0 of 2 needed.`);
    assert.equal((await localSays(t, 'ops', 'carol', `/approve ${id}`)).reply, `Approval of ${id} recorded: 1 of 2 needed.`);
    assert.deepEqual(await callsWith(t, 'withdraw-l'), []);
    await localSays(t, 'ops', 'bob', `/approve ${id}`);
    assert.equal((await localResult(t, reply.id)).status, 'ok');
  });

  it('runs the command once when two approvals arrive at the same time', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'alice', 'kubectl delete pod twice-l1');
    const answers = await Promise.all([localSays(t, 'ops', 'bob', `/approve ${id}`), localSays(t, 'ops', 'carol', `/approve ${id}`)]);
    assert.ok(answers.some((answer) => answer.status === 'approved'));
    assert.equal((await localResult(t, reply.id)).status, 'ok');
    await sleep(200);
    assert.equal((await callsWith(t, 'twice-l1')).length, 1);
    assert.equal(auditOf(t, id).filter((line) => line.event === 'executed').length, 1);
  });

  it('treats a command naming no pending request as an ordinary message for the flow', async () => {
    const { id } = await localRequest(t, 'ops', 'alice', 'kubectl delete pod other-l1');
    const answer = await localSays(t, 'ops', 'bob', '/approve apr-zzzzzzzzzz');
    assert.equal(answer.status, 'ok');
    assert.equal(answer.agent, 'ops', 'routed to the flow\'s agent');
    await sleep(100);
    assert.deepEqual(await callsWith(t, 'other-l1'), []);
    assert.equal(auditOf(t, id).length, 1, 'only the request itself');
  });

  it('honours a custom strategy: business-hours ignores approvals outside its hours, denials still count', async () => {
    const { reply, id } = await localRequest(t, 'hours', 'alice', 'kubectl delete pod hours-l1');
    const approve = await localSays(t, 'hours', 'bob', `/approve ${id}`);
    assert.equal(approve.status, 'ignored');
    assert.match(approve.reply ?? '', /strategy of .* does not accept that now/);
    const deny = await localSays(t, 'hours', 'bob', `/deny ${id}`);
    assert.equal(deny.status, 'denied');
    assert.equal((await localRecord(t, reply.id)).status, 'denied');
    assert.deepEqual(await callsWith(t, 'hours-l1'), []);
  });

  it('lets a requester approve their own request where the flow allows self-approval (seed admin flow)', async () => {
    const read = await localSays(t, 'admin', 'alice', 'kubectl get pods');
    assert.equal(read.status, 'ok', 'reads run without approval');
    const { reply, id } = await localRequest(t, 'admin', 'alice', 'kubectl delete pod admin-l1');
    assert.doesNotMatch(reply.reply ?? '', /cannot approve their own/);
    await localSays(t, 'admin', 'alice', `/approve ${id}`);
    assert.equal((await localResult(t, reply.id)).status, 'ok');
    await waitFor(async () => (await callsWith(t, 'admin-l1')).length === 1, 'the approved call');
  });
});
