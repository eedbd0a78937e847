/**
 * A Deno sandbox gets only the flow's grants, and Deno itself enforces them: a binary our policy
 * allows but `permissions.run` does not name, a model host outside `permissions.net`, a variable
 * outside `permissions.env`, a file outside the code the task imports. Each refusal quotes
 * Deno's own "Requires … access" text, so it cannot have come from our policy.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { createDenoExecutor } from '../../core/runtime/deno-executor.js';
import type { SandboxPermissions, TaskExecutor } from '../../core/runtime/executor.js';
import type { TaskResult } from '../../sandbox/protocol.js';
import { startFakeLlm, type FakeLlm } from '../fakes/llm-server.js';
import { repoRoot } from '../helpers/paths.js';
import { builtinModules, fakePath, makeTask, type BuiltinModules, type TaskOverrides } from '../sandbox/task-fixtures.js';

const probeTool = new URL('./fixtures/probe-tool.js', import.meta.url).href;
/** The fakes, node, and the system dirs where `cat` lives. */
const PATH = `${fakePath}${path.delimiter}/usr/bin${path.delimiter}/bin`;
const NONE: SandboxPermissions = { run: [], net: [], env: [] };

let modules: BuiltinModules;
const executors: TaskExecutor[] = [];
let llm: FakeLlm | undefined;

before(async () => {
  modules = await builtinModules();
});
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});
after(() => Promise.all(executors.map((executor) => executor.close())));

async function runWith(permissions: SandboxPermissions, text: string, overrides: TaskOverrides = {}, env: Record<string, string> = { PATH }): Promise<TaskResult> {
  const executor = createDenoExecutor({ flowName: 'locked-down', env, maxMemoryMb: 256, idleTimeoutMs: 1_000, maxThreads: 1, permissions });
  executors.push(executor);
  const request = makeTask(modules, { ...overrides, message: { text }, flow: { env } });
  return executor.run(request, { signal: new AbortController().signal });
}

const shellWithCat = { agent: { tools: ['shell'], toolConfig: { shell: { allowed_binaries: ['cat'] } } } };

test('a binary our policy allows but permissions.run does not name is refused by Deno', async () => {
  const result = await runWith({ ...NONE, run: ['kubectl'] }, 'shell cat /etc/hostname', shellWithCat);
  assert.equal(result.status, 'ok', result.error?.message);
  const [call] = result.toolCalls;
  assert.equal(call?.ok, false);
  assert.equal(call?.refused, undefined, 'our policy let it through; the refusal is Deno\'s');
  assert.match(result.reply, /^cat exited with code none\nstderr:\npermission denied by the Deno sandbox: Requires run access to "cat"$/);
});

test('an empty permissions.run grants no binary at all', async () => {
  const result = await runWith(NONE, 'shell cat /etc/hostname', shellWithCat);
  assert.match(result.reply, /permission denied by the Deno sandbox: Requires run access to "cat"/);
});

test('the same call runs once permissions.run names the binary', async () => {
  const result = await runWith({ ...NONE, run: ['cat'] }, 'shell cat /etc/hostname', shellWithCat);
  assert.deepEqual(result.toolCalls.map((call) => [call.ok, call.exitCode]), [[true, 0]]);
  assert.doesNotMatch(result.reply, /permission denied/);
});

/** A task for the fake LLM, with permissions.net computed from the LLM's host:port. */
async function modelTask(net: (llmHost: string) => string[]): Promise<TaskResult> {
  llm = await startFakeLlm({ script: [{ text: 'hello from the model' }] });
  return runWith({ ...NONE, net: net(new URL(llm.url).host) }, 'hi', { model: modules.models.openai, agent: { model: 'openai:m', baseUrl: `${llm.url}/v1`, apiKey: 'sk-test' } });
}

test('a model host outside permissions.net is refused by Deno before any request leaves', async () => {
  const result = await modelTask(() => ['api.openai.com']);
  assert.equal(result.status, 'error');
  assert.equal(result.error?.code, 'model_error');
  assert.equal(result.error?.modelErrorKind, 'unreachable');
  assert.match(result.error?.message ?? '', /Requires net access to "127\.0\.0\.1:\d+"/);
  assert.equal(llm?.requests.length, 0);
});

test('the model host named in permissions.net is reached', async () => {
  const result = await modelTask((llmHost) => [llmHost]);
  assert.equal(result.status, 'ok', result.error?.message);
  assert.equal(result.reply, 'hello from the model');
});

test('a variable outside permissions.env cannot be read, even though the process has it', async () => {
  const env = { PATH, AOF_ALLOWED: 'visible', AOF_SECRET: 'hidden' };
  const result = await runWith({ ...NONE, env: ['AOF_ALLOWED'] }, 'probe env AOF_ALLOWED AOF_SECRET', { agent: { tools: ['probe'] }, tools: { probe: probeTool } }, env);
  assert.equal(result.reply, 'AOF_ALLOWED: ok "visible"\nAOF_SECRET: NotCapable: Requires env access to "AOF_SECRET", run again with the --allow-env flag');
  const hostEnv = await runWith({ ...NONE, env: ['AOF_ALLOWED'] }, 'probe host-env', { agent: { tools: ['probe'] }, tools: { probe: probeTool } }, env);
  assert.equal(hostEnv.reply, '{"AOF_ALLOWED":"visible"}');
});

test('files outside the modules the task imports cannot be read', async () => {
  const config = path.join(repoRoot, 'daemon-config.yaml');
  const result = await runWith(NONE, `probe read ${config}`, { agent: { tools: ['probe'] }, tools: { probe: probeTool } });
  assert.equal(result.reply, `${config}: NotCapable: Requires read access to "${config}", run again with the --allow-read flag`);
});
