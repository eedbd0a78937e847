/**
 * Sandbox threads run `runtime.sandbox_nice` steps below the daemon (Linux: a nice value is
 * per thread, and a process inherits its parent thread's), so agent work yields the CPU to the
 * daemon's event loop. Seen from the fake kubectl, which records the nice value it runs at.
 */
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { fakeCliLog } from '../sandbox/task-fixtures.js';
import { daemonSpec, inbound, loadedAgent, loadedFlow, startRuntime } from './support.js';

const k8sOps = loadedAgent('k8s-ops', { model: 'command', tools: ['kubectl'] });
/** What `steps` below the test process gives here: only Linux lowers one thread; nice stops at 19. */
const lowered = (steps: number): number => (process.platform === 'linux' ? Math.min(19, getPriority() + steps) : getPriority());

describe('sandbox priority', () => {
  let cli: Awaited<ReturnType<typeof fakeCliLog>>;
  before(async () => {
    cli = await fakeCliLog();
  });
  after(() => cli.cleanup());

  async function niceOfTool(runtime: Partial<Parameters<typeof daemonSpec>[0]>): Promise<number> {
    const t = await startRuntime({ daemon: daemonSpec(runtime) });
    try {
      const before = (await cli.calls()).length;
      const flow = loadedFlow('nice-flow', { context: { env: { FAKE_KUBECTL_LOG: cli.file } } });
      const outcome = await t.runtime.run({ requestId: 'r-nice', flow, agentName: 'k8s-ops', agent: k8sOps, message: inbound('kubectl get pods') });
      assert.equal(outcome.status, 'ok', outcome.reply);
      const call = (await cli.calls())[before];
      assert.ok(call !== undefined, 'kubectl ran');
      return call.nice;
    } finally {
      await t.close();
    }
  }

  it('by default a tool runs 10 steps below the daemon, and the daemon keeps its own priority', async () => {
    const daemonNice = getPriority();
    assert.equal(await niceOfTool({}), lowered(10));
    assert.equal(getPriority(), daemonNice, 'lowering a sandbox thread left the daemon thread alone');
  });

  it('runtime.sandbox_nice sets the steps; 0 runs tools at the daemon\'s priority', async () => {
    assert.equal(await niceOfTool({ sandbox_nice: 3 }), lowered(3));
    assert.equal(await niceOfTool({ sandbox_nice: 0 }), getPriority());
  });
});
