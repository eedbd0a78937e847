/**
 * A command that needs an approval the daemon cannot ask for is not run, and the asker is told
 * why in the thread: the flow names no approvers, its strategy is not loaded, or the command is
 * too long for a request to show it whole. (A state store that cannot record the request is the
 * same path: test/cluster, Redis down. A request too long for its platform's message:
 * too-long.test.ts.)
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { approvalFlowYaml, callsWith, copyFixture, localRequest, localSays, startApprovalDaemon, type ApprovalDaemon } from './support.js';

const flow = (name: string, channel: string, approval: string[]): string => approvalFlowYaml(name, { trigger: 'Local', config: [`channels: [${channel}]`], approval });

describe('approvals that cannot be asked for', () => {
  let dir: string;
  let t: ApprovalDaemon;
  before(async () => {
    dir = await copyFixture();
    await writeFile(path.join(dir, 'flows', 'refusals.yaml'), [
      flow('local-unapprovable-flow', 'unapprovable', ['require_for: [kubectl delete]']),
      flow('local-no-strategy-flow', 'no-strategy', ['allowed_users: [bob]', 'require_for: [kubectl delete]', 'strategy: carrier-pigeon']),
    ].join('---\n'));
    t = await startApprovalDaemon({ dir, keep: true });
  });
  after(async () => {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells the asker that the flow names no approvers, and runs nothing', async () => {
    const reply = await localSays(t, 'unapprovable', 'alice', 'kubectl delete pod refused-1');
    assert.equal(reply.status, 'error');
    assert.equal(reply.reply, '`kubectl delete pod refused-1` needs an approval, but flow local-unapprovable-flow names no approvers (approval.allowed_users or approval.chains), so it was not run.');
    assert.deepEqual(await callsWith(t, 'refused-1'), []);
  });

  it('tells the asker that the strategy is not loaded, and runs nothing', async () => {
    const reply = await localSays(t, 'no-strategy', 'alice', 'kubectl delete pod refused-2');
    assert.equal(reply.status, 'error');
    assert.match(reply.reply ?? '', /the approval strategy "carrier-pigeon" is not loaded on this daemon, so it was not run\.$/);
    assert.deepEqual(await callsWith(t, 'refused-2'), []);
  });

  it('asks for a command of 500 characters, shown whole', async () => {
    const command = `kubectl delete pod ${'a'.repeat(481)}`;
    assert.equal(command.length, 500);
    const { reply } = await localRequest(t, 'fast', 'alice', command);
    assert.ok(reply.reply?.includes(`\`${command}\``), 'the whole command is in the request');
  });

  it('refuses a command of 501 characters, too long to show whole for approval: the asker is told, it is audited, and nothing runs', async () => {
    const command = `kubectl delete pod ${'b'.repeat(481)}-`;
    const reply = await localSays(t, 'fast', 'alice', command);
    assert.equal(reply.status, 'error');
    assert.equal(reply.reply, `\`kubectl delete pod …\` needs an approval, but the command is 501 characters long, more than the 500 an approval request shows whole, so no request was made and nothing was run. Split it into shorter commands (fewer names each) and ask for each.`);
    const audit = t.logs.find((line) => line.msg === 'approval' && line.audit === true && line.event === 'failed' && line.command === command);
    assert.deepEqual([audit?.reason, audit?.length, audit?.limit], ['command_too_long', 501, 500]);
    assert.ok(t.logs.some((line) => line.reason === 'command_too_long' && line.msg === 'tool call needs approval but no request was made'));
    assert.deepEqual(await callsWith(t, command.slice('kubectl delete pod '.length)), []);
  });
});
