/**
 * What decides that a call waits, on the local platform: the classifier (REQUIRE_APPROVAL "true"
 * without a list), REQUIRE_APPROVAL "false", and secret masking in replies while the
 * conversation memory (what the model reads back) keeps the raw text.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { memoryKey } from '../../core/runtime/memory.js';
import { callsWith, localRequest, localResult, localSays, startApprovalDaemon, type ApprovalDaemon } from './support.js';

const SECRET = 'local-flow-secret-9c2f4a';

describe('what waits for approval on the local platform, and what is masked', () => {
  let t: ApprovalDaemon;
  before(async () => {
    t = await startApprovalDaemon();
  });
  after(() => t.stop());

  it('lets the classifier decide when REQUIRE_APPROVAL is "true" without a list: reads run, writes and unknown commands wait', async () => {
    assert.equal((await localSays(t, 'classify', 'alice', 'kubectl get pods')).status, 'ok');
    const apply = await localRequest(t, 'classify', 'alice', 'kubectl apply -f https://manifests.example.com/web.yaml');
    assert.match(apply.reply.reply ?? '', /classified as write/);
    const unknown = await localRequest(t, 'classify', 'alice', 'kubectl frobnicate everything');
    assert.match(unknown.reply.reply ?? '', /classified as write/);
    const exec = await localRequest(t, 'classify', 'alice', 'kubectl exec web -- sh');
    assert.match(exec.reply.reply ?? '', /classified as dangerous/);
    assert.deepEqual(await callsWith(t, 'frobnicate'), []);
  });

  it('runs everything at once where REQUIRE_APPROVAL is "false" (the seed\'s staging flow)', async () => {
    const deleted = await localSays(t, 'staging', 'alice', 'kubectl delete pod stg-1');
    assert.equal(deleted.status, 'ok');
    assert.equal(deleted.reply, 'kubectl --namespace=staging delete pod stg-1');
  });

  it('masks secret env values in replies and approval requests, and keeps them raw in memory and in the argv', async () => {
    const described = await localSays(t, 'ops', 'erin', `kubectl describe ${SECRET}`);
    assert.equal(described.reply, 'kubectl --namespace=prod describe [redacted]');
    const { reply, id } = await localRequest(t, 'ops', 'erin', `kubectl delete pod ${SECRET}`);
    assert.ok(reply.reply?.includes('`kubectl delete pod [redacted]`'), reply.reply ?? '');
    // The request line names the command that waits, masked like the rest of the log.
    const waiting = t.logs.find((line) => line.msg === 'request' && line.request_id === reply.request_id);
    assert.deepEqual([waiting?.status, waiting?.action], ['awaiting_approval', 'kubectl delete pod [redacted]']);
    await localSays(t, 'ops', 'bob', `/approve ${id}`);
    const result = await localResult(t, reply.id);
    assert.equal(result.reply, 'kubectl --namespace=prod delete pod [redacted]');
    assert.deepEqual((await callsWith(t, SECRET)).map((call) => call.argv.at(-1)), [SECRET, SECRET]);

    const memory = await t.daemon.kernel.store().listRange(memoryKey('local-approvals-flow', { platform: 'local', channel: { id: 'ops' } }), 0, -1);
    const remembered = memory.map((line) => JSON.parse(line) as { role: string; content: string });
    assert.ok(remembered.some((turn) => turn.role === 'assistant' && turn.content === `kubectl --namespace=prod describe ${SECRET}`), 'memory holds the raw answer');
    assert.ok(remembered.some((turn) => turn.role === 'assistant' && turn.content === `kubectl --namespace=prod delete pod ${SECRET}`), 'and the resumed run\'s');
    assert.ok(!t.rawLog().includes(SECRET), 'no log line carries the secret');
  });
});

describe('an approval approves where the command runs, too', () => {
  let t: ApprovalDaemon;
  before(async () => {
    t = await startApprovalDaemon();
  });
  after(() => t.stop());

  it('masks a secret with a quote in it, which quoting for display would otherwise hide from the mask', async () => {
    const quoted = "pa'ss-9f3c2e77";
    await writeFile(path.join(t.dir, 'flows', 'quoted-secret.yaml'), [
      'apiVersion: aof.dev/v1', 'kind: AgentFlow', 'metadata: { name: quoted-secret-flow }', 'spec:',
      '  trigger: { type: Local, config: { channels: [quoted] } }',
      `  context: { env: { DEPLOY_TOKEN: "${quoted}", FAKE_KUBECTL_LOG: "\${FAKE_KUBECTL_LOG}" } }`,
      '  agents: [{ name: ops }]',
      '  approval: { strategy: command, allowed_users: [bob], require_for: [kubectl delete] }', '',
    ].join('\n'));
    assert.equal((await t.daemon.reload()).ok, true);
    const { reply } = await localRequest(t, 'quoted', 'alice', `kubectl delete pod "${quoted}"`);
    assert.ok(reply.reply?.includes('`kubectl delete pod [redacted]`'), reply.reply ?? '');
    assert.ok(!t.rawLog().includes('ss-9f3c2e77'), 'no log line carries it, escaped or not');
  });

  it('does not run an approved command after a reload pointed its flow at another namespace', async () => {
    const { reply, id } = await localRequest(t, 'ops', 'alice', 'kubectl delete pod moved-1');
    assert.match(reply.reply ?? '', /namespace prod/);
    const file = path.join(t.dir, 'flows', 'local-flows.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('    namespace: prod\n', '    namespace: sandbox\n'));
    assert.equal((await t.daemon.reload()).ok, true);
    await localSays(t, 'ops', 'bob', `/approve ${id}`);
    const result = await localResult(t, reply.id);
    assert.match(result.reply ?? '', /context \(kubeconfig, namespace, cluster or env\) changed after apr-[a-z0-9]+ was asked, so `kubectl delete pod moved-1` was not run where nobody approved it\. Ask again\./);
    assert.deepEqual(await callsWith(t, 'moved-1'), []);
    const failed = t.logs.find((line) => line.msg === 'approval' && line.approval_id === id && line.event === 'failed');
    assert.match(String(failed?.reason), /changed after/);
    // Asked again, in the namespace the flow has now, it runs there.
    const again = await localRequest(t, 'ops', 'alice', 'kubectl delete pod moved-1');
    assert.match(again.reply.reply ?? '', /namespace sandbox/);
    await localSays(t, 'ops', 'bob', `/approve ${again.id}`);
    assert.equal((await localResult(t, again.reply.id)).reply, 'kubectl --namespace=sandbox delete pod moved-1');
  });
});
