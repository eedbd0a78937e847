/**
 * What every sandbox runtime must do the same way, as one suite each runtime's test file runs
 * with its own executor factory (Node in process, Deno processes). Tasks go in through
 * `TaskExecutor.run`, results come back as the kernel would see them.
 */
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { after, before, describe, test } from 'node:test';
import type { ExecutorOptions, SandboxPermissions, TaskExecutor } from '../../core/runtime/executor.js';
import type { TaskRequest, TaskResult } from '../../sandbox/protocol.js';
import { builtinModules, fakeCliLog, fakePath, makeTask, type BuiltinModules, type TaskOverrides } from '../sandbox/task-fixtures.js';

export type ExecutorFactory = (options: ExecutorOptions) => TaskExecutor;

const KUBECONFIG = '/flows/staging/kubeconfig';
const throwingTool = new URL('../sandbox/fixtures/throwing-tool.js', import.meta.url).href;

/** The grants a flow with kubectl and no model host would get from the kernel. */
function permissionsFor(env: Record<string, string>): SandboxPermissions {
  return { run: ['kubectl'], net: [], env: Object.keys(env).sort() };
}

export function sandboxConformance(runtime: string, createExecutor: ExecutorFactory): void {
  describe(`sandbox conformance: ${runtime}`, () => {
    let modules: BuiltinModules;
    let log: Awaited<ReturnType<typeof fakeCliLog>>;
    let env: Record<string, string>;
    let executor: TaskExecutor;

    before(async () => {
      modules = await builtinModules();
      log = await fakeCliLog();
      env = { PATH: fakePath, KUBECONFIG, FAKE_KUBECTL_LOG: log.file };
      executor = createExecutor({ flowName: 'staging-dev-flow', env, maxMemoryMb: 256, idleTimeoutMs: 1_000, maxThreads: 2, permissions: permissionsFor(env) });
    });
    after(async () => {
      await executor.close();
      await log.cleanup();
    });

    function run(text: string, overrides: TaskOverrides = {}): Promise<TaskResult> {
      const request: TaskRequest = makeTask(modules, {
        ...overrides,
        message: { text },
        flow: { env, ...overrides.flow },
        agent: { tools: ['kubectl', 'echo'], ...overrides.agent },
      });
      return executor.run(request, { signal: new AbortController().signal });
    }

    test('the command model and the echo tool answer', async () => {
      const result = await run('echo hello sandbox');
      assert.equal(result.status, 'ok', result.error?.message);
      assert.equal(result.reply, 'hello sandbox');
      assert.deepEqual(result.toolCalls.map((call) => [call.name, call.ok]), [['echo', true]]);
      assert.deepEqual(result.newMessages, [{ role: 'user', content: 'echo hello sandbox' }, { role: 'assistant', content: 'hello sandbox' }]);
    });

    test('kubectl runs with exactly the argv asked for and the flow env (KUBECONFIG reaches it)', async () => {
      const before = (await log.calls()).length;
      const result = await run('kubectl get pods -n staging');
      assert.equal(result.status, 'ok', result.error?.message);
      assert.match(result.reply, /^NAME +READY +STATUS/);
      assert.match(result.reply, /# staging/);
      // The suite's executors are given no `nice`: the tool runs at the test's own priority.
      assert.deepEqual((await log.calls()).slice(before), [{ tool: 'kubectl', argv: ['get', 'pods', '-n', 'staging'], env: { KUBECONFIG }, nice: getPriority() }]);
    });

    test('a tool the agent does not have gets a reply naming the ones it has', async () => {
      const result = await run('terraform plan');
      assert.equal(result.status, 'ok');
      assert.match(result.reply, /"terraform" is not a tool I can run here/);
      assert.match(result.reply, /kubectl, echo/);
      assert.deepEqual(result.toolCalls, []);
    });

    test('a tool that throws becomes an error tool result, not a failed task', async () => {
      const result = await run('explode', { agent: { tools: ['explode'] }, tools: { explode: throwingTool } });
      assert.equal(result.status, 'ok', result.error?.message);
      assert.equal(result.reply, 'explode failed: boom: the tool crashed');
      assert.deepEqual(result.toolCalls.map((call) => [call.name, call.ok]), [['explode', false]]);
    });

    test('a tool process that hangs is killed at the tool timeout and the model reads why', async () => {
      const result = await run('kubectl sleep', { toolTimeoutMs: 300 });
      assert.equal(result.status, 'ok', result.error?.message);
      assert.equal(result.reply, 'kubectl timed out after 300 ms and was killed');
      assert.deepEqual(result.toolCalls.map((call) => [call.ok, call.exitCode]), [[false, null]]);
    });

    test('running out of iterations is a max_iterations error with a reply saying so', async () => {
      const result = await run('echo again', { agent: { maxIterations: 1 } });
      assert.equal(result.status, 'error');
      assert.equal(result.error?.code, 'max_iterations');
      assert.match(result.reply, /I stopped after 1 steps/);
      assert.equal(result.toolCalls.length, 1);
    });

    test('an approval pattern stops the call unrun, and a call it does not match runs (the RE2 engine loads on first need)', async () => {
      const approval = { requireFor: ['^kubectl (delete|scale)\\b'], rules: [], classify: false };
      const before = (await log.calls()).length;
      const stopped = await run('kubectl delete pod web-1', { approval });
      assert.equal(stopped.status, 'awaiting_approval', stopped.error?.message);
      assert.deepEqual(stopped.pending?.command, { tool: 'kubectl', argv: ['delete', 'pod', 'web-1'] });
      const ran = await run('kubectl get pods', { approval });
      assert.equal(ran.status, 'ok', ran.error?.message);
      assert.deepEqual((await log.calls()).slice(before).map((call) => call.argv), [['get', 'pods']]);
    });

    test('a run resumed with its approved call runs exactly that call and answers', async () => {
      const approval = { requireFor: ['kubectl delete'], rules: [], classify: false };
      const stopped = await run('kubectl delete pod web-2', { approval });
      const pending = stopped.pending;
      assert.ok(pending !== undefined, stopped.error?.message);
      const before = (await log.calls()).length;
      const resumed = await run('kubectl delete pod web-2', {
        approval,
        resume: { approved: pending.call, remaining: pending.remaining, messages: pending.messages, iterations: pending.iterations },
      });
      assert.equal(resumed.status, 'ok', resumed.error?.message);
      assert.deepEqual((await log.calls()).slice(before).map((call) => call.argv), [['delete', 'pod', 'web-2']]);
      assert.deepEqual(resumed.newMessages.map((m) => m.role), ['assistant']);
    });

    test('a variable of the daemon that is not in the sandbox env never reaches a tool process', async () => {
      process.env.AOF_TEST_VAR = 'must-not-leak';
      process.env.SLACK_BOT_TOKEN = 'xoxb-must-not-leak';
      try {
        const before = (await log.calls()).length;
        const result = await run('kubectl get nodes');
        assert.equal(result.status, 'ok', result.error?.message);
        assert.deepEqual((await log.calls()).slice(before).map((call) => call.env), [{ KUBECONFIG }]);
      } finally {
        delete process.env.AOF_TEST_VAR;
        delete process.env.SLACK_BOT_TOKEN;
      }
    });
  });
}
