/**
 * Votes that come too late (the request already approved, denied or expired, or another vote won
 * the completion race) change nothing, and are still audited: a `vote_ignored` entry with reason
 * `closed` in the trail the store keeps after the request is gone, reading like every other entry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditEvent, callsWith, localRequest, localResult, localSays, startApprovalDaemon, storedTrail, waitFor, type ApprovalDaemon } from './support.js';

describe('late votes on the local platform', () => {
  let t: ApprovalDaemon;
  before(async () => {
    t = await startApprovalDaemon();
  });
  after(() => t.stop());

  it('audits a deny sent after the approved command ran', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'alice', 'kubectl delete pod late-a1');
    await localSays(t, 'ops', 'bob', `/approve ${id}`);
    assert.equal((await localResult(t, reply.id)).status, 'ok');
    await auditEvent(t, id, 'executed');
    const late = await localSays(t, 'ops', 'mallory', `/deny ${id}`);
    assert.equal(late.reply, `Request ${id} is already approved; nothing changed.`);
    const trail = await storedTrail(t, id);
    assert.deepEqual(trail.map((entry) => entry.event), ['requested', 'approval', 'approved', 'executed', 'vote_ignored']);
    const ignored = trail.at(-1) ?? {};
    assert.deepEqual([ignored.reason, ignored.actor, ignored.vote], ['closed', 'local::mallory', 'deny']);
    // Read on its own, the entry says which request it is about, as the request's own entries do.
    assert.deepEqual([ignored.flow, ignored.command, ignored.requester, ignored.chain], ['local-approvals-flow', 'kubectl delete pod late-a1', 'alice', 'single']);
    assert.equal((await callsWith(t, 'late-a1')).length, 1);
  });

  it('audits an approval sent after the request expired', async () => {
    const { reply, id } = await localRequest(t, 'fast', 'alice', 'kubectl delete pod late-e1');
    assert.equal((await localResult(t, reply.id, 5_000)).status, 'expired');
    await localSays(t, 'fast', 'bob', `/approve ${id}`);
    const trail = await storedTrail(t, id);
    assert.deepEqual(trail.map((entry) => entry.event), ['requested', 'expired', 'vote_ignored']);
    assert.deepEqual([trail[2]?.reason, trail[2]?.actor], ['closed', 'local::bob']);
    assert.deepEqual(await callsWith(t, 'late-e1'), []);
  });

  it('audits the approval that lost the completion race', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'alice', 'kubectl delete pod late-r1');
    await Promise.all([localSays(t, 'ops', 'bob', `/approve ${id}`), localSays(t, 'ops', 'carol', `/approve ${id}`)]);
    assert.equal((await localResult(t, reply.id)).status, 'ok');
    const trail = await waitFor(async () => {
      const entries = await storedTrail(t, id);
      return entries.some((entry) => entry.event === 'executed') ? entries : undefined;
    }, 'the executed entry');
    const ignored = trail.filter((entry) => entry.event === 'vote_ignored');
    assert.deepEqual(ignored.map((entry) => entry.reason), ['closed']);
    assert.ok(['local::bob', 'local::carol'].includes(String(ignored[0]?.actor)));
    assert.equal((await callsWith(t, 'late-r1')).length, 1);
  });
});
