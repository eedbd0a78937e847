/**
 * Approvals for a flow whose tasks run in Deno sandbox processes (`spec.sandbox.runtime: deno`):
 * the suspended run comes back through the Deno result framing, and the approved call runs in a
 * new Deno process, exactly as asked. The flow's rules are RE2 patterns, so the Deno sandbox
 * also loads the pattern engine on demand.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { callsWith, copyFixture, localRequest, localResult, localSays, startApprovalDaemon, type ApprovalDaemon } from './support.js';

describe('approvals with a Deno-sandboxed flow', () => {
  let t: ApprovalDaemon;
  before(async () => {
    const dir = await copyFixture();
    const flows = path.join(dir, 'flows', 'local-flows.yaml');
    const header = 'metadata:\n  name: local-approvals-flow\nspec:\n';
    const text = await readFile(flows, 'utf8');
    assert.ok(text.includes(header));
    await writeFile(flows, text.replace(header, `${header}  sandbox:\n    runtime: deno\n`));
    t = await startApprovalDaemon({ dir });
  });
  after(() => t.stop());

  it('asks for the approval, then runs the approved call once', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'alice', 'kubectl delete pod web-d1');
    assert.equal(reply.flow, 'local-approvals-flow');
    assert.equal(reply.status, 'awaiting_approval', reply.reply ?? '');
    assert.deepEqual(await callsWith(t, 'web-d1'), [], 'nothing runs before the approval');
    const approved = await localSays(t, 'ops', 'bob', `/approve ${id}`);
    assert.equal(approved.status, 'approved');
    const result = await localResult(t, reply.id);
    assert.equal(result.status, 'ok', result.reply ?? '');
    assert.deepEqual((await callsWith(t, 'web-d1')).map((call) => call.argv), [['--namespace=prod', 'delete', 'pod', 'web-d1']]);
  });
});
