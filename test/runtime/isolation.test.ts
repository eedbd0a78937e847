import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeCliLog } from '../sandbox/task-fixtures.js';
import { inbound, loadedAgent, loadedFlow, SECRETS, startRuntime, type TestRuntime } from './support.js';

const k8sOps = loadedAgent('k8s-ops', {
  model: 'command',
  system_prompt: 'You run kubectl for the on-call engineer.',
  tools: ['kubectl', 'probe'],
  tool_config: { kubectl: { allowed_commands: ['get', 'describe', 'logs'] } },
});

describe('flow isolation in real sandbox workers', () => {
  let t: TestRuntime;
  let cli: Awaited<ReturnType<typeof fakeCliLog>>;
  const flowA = () => loadedFlow('team-a-flow', {
    context: { namespace: 'staging', cluster_name: 'staging-eu', kubeconfig: '/flows/a/kubeconfig', env: { AOF_TEST_VAR: 'only-in-a', FAKE_KUBECTL_LOG: cli.file } },
  });
  const flowB = () => loadedFlow('team-b-flow', {
    context: { namespace: 'prod', kubeconfig: '/flows/b/kubeconfig', env: { FAKE_KUBECTL_LOG: cli.file } },
  });

  before(async () => {
    cli = await fakeCliLog();
    t = await startRuntime();
  });
  after(async () => {
    await t.close();
    await cli.cleanup();
  });

  it('a k8s-ops agent on the command model answers kubectl get pods -n staging with the fake CLI output', async () => {
    const outcome = await t.runtime.run({ requestId: 'r-pods', flow: flowA(), agentName: 'k8s-ops', agent: k8sOps, message: inbound('kubectl get pods -n staging') });
    assert.equal(outcome.status, 'ok', outcome.reply);
    assert.match(outcome.reply, /web-7d4b9c6f5-x2k8p\s+1\/1\s+Running/);
    assert.match(outcome.reply, /# staging/);
    assert.equal(outcome.requestId, 'r-pods');
    assert.equal(outcome.result?.toolCalls[0]?.name, 'kubectl');
    assert.ok(outcome.latencyMs >= outcome.queuedMs);
  });

  it("flow A's env and KUBECONFIG reach A's kubectl only; daemon secrets reach neither", async () => {
    const before = (await cli.calls()).length;
    const [a, b] = await Promise.all([
      t.runtime.run({ requestId: 'r-a', flow: flowA(), agentName: 'k8s-ops', agent: k8sOps, message: inbound('kubectl get pods') }),
      t.runtime.run({ requestId: 'r-b', flow: flowB(), agentName: 'k8s-ops', agent: k8sOps, message: inbound('kubectl get pods') }),
    ]);
    assert.equal(a.status, 'ok', a.reply);
    assert.equal(b.status, 'ok', b.reply);
    const calls = (await cli.calls()).slice(before);
    const callA = calls.find((call) => call.env.KUBECONFIG === '/flows/a/kubeconfig');
    const callB = calls.find((call) => call.env.KUBECONFIG === '/flows/b/kubeconfig');
    assert.ok(callA && callB, JSON.stringify(calls));
    assert.deepEqual(callA.env, { KUBECONFIG: '/flows/a/kubeconfig', AOF_TEST_VAR: 'only-in-a' });
    // The fake records every variable whose name contains TOKEN: none may be there.
    assert.deepEqual(callB.env, { KUBECONFIG: '/flows/b/kubeconfig' });
    assert.ok(callA.argv.includes('--namespace=staging'));
    assert.ok(callB.argv.includes('--namespace=prod'));
  });

  it('the worker process.env and every tool process env are exactly the sandbox env', async () => {
    const [a, b] = await Promise.all([
      t.runtime.run({ requestId: 'p-a', flow: flowA(), agentName: 'k8s-ops', agent: k8sOps, message: inbound('probe') }),
      t.runtime.run({ requestId: 'p-b', flow: flowB(), agentName: 'k8s-ops', agent: k8sOps, message: inbound('probe') }),
    ]);
    assert.equal(a.status, 'ok', a.reply);
    assert.equal(b.status, 'ok', b.reply);
    const probeA = JSON.parse(a.reply) as { worker: Record<string, string>; child: Record<string, string> };
    const probeB = JSON.parse(b.reply) as { worker: Record<string, string>; child: Record<string, string> };

    const expectedA = ['AOF_CLUSTER_NAME', 'AOF_FLOW', 'AOF_NAMESPACE', 'AOF_TEST_VAR', 'FAKE_KUBECTL_LOG', 'HOME', 'KUBECONFIG', 'LANG', 'PATH'];
    assert.deepEqual(Object.keys(probeA.worker).sort(), expectedA);
    assert.deepEqual(Object.keys(probeA.child).sort(), expectedA);
    assert.equal(probeA.worker.AOF_FLOW, 'team-a-flow');
    assert.equal(probeA.worker.AOF_NAMESPACE, 'staging');
    assert.equal(probeA.worker.AOF_CLUSTER_NAME, 'staging-eu');
    assert.equal(probeA.child.AOF_TEST_VAR, 'only-in-a');
    assert.equal(probeB.worker.AOF_TEST_VAR, undefined);
    assert.equal(probeB.child.AOF_TEST_VAR, undefined);
    assert.equal(probeB.child.KUBECONFIG, '/flows/b/kubeconfig');
    for (const probe of [probeA, probeB]) {
      for (const secret of Object.keys(SECRETS)) {
        assert.equal(probe.worker[secret], undefined, `${secret} leaked into the worker`);
        assert.equal(probe.child[secret], undefined, `${secret} leaked into a tool process`);
      }
    }
  });

  it('each flow that ran has its own pool', async () => {
    const stats = t.runtime.stats();
    assert.equal(stats.pools, 2);
    assert.ok(stats.threads >= 1 && stats.threads <= 4, JSON.stringify(stats));
    assert.equal(stats.running, 0);
    assert.equal(stats.queued, 0);
  });
});
