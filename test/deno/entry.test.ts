/** deno-entry as a process: whatever arrives on stdin, a TaskResult comes out on stdout and the exit code is 0. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeResult } from '../../sandbox/deno-protocol.js';
import { fakePath } from '../sandbox/task-fixtures.js';
import { denoRunner, type DenoRunner } from './deno-run.js';

const entry = fileURLToPath(new URL('../../sandbox/deno-entry.js', import.meta.url));
let deno: DenoRunner;

before(async () => {
  deno = await denoRunner();
});
after(() => deno.cleanup());

test('stdin that is not JSON gets a bad_request result', async () => {
  const run = await deno.run([], entry, { stdin: 'kubectl get pods', env: { PATH: fakePath } });
  assert.equal(run.code, 0, run.stderr);
  const result = decodeResult(run.stdout);
  assert.equal(result?.status, 'error');
  assert.equal(result?.error?.code, 'bad_request');
  assert.match(result?.error?.message ?? '', /stdin is not JSON/);
  assert.equal(result?.reply, 'Sorry, something went wrong inside the daemon.');
});

test('JSON that is not a TaskRequest gets the agent loop\'s bad_request result', async () => {
  const run = await deno.run([], entry, { stdin: '{"taskId":"t-9"}', env: { PATH: fakePath } });
  assert.equal(run.code, 0, run.stderr);
  const result = decodeResult(run.stdout);
  assert.equal(result?.taskId, 't-9');
  assert.equal(result?.error?.code, 'bad_request');
  assert.match(result?.error?.message ?? '', /flow needs name and env/);
});

test('the result framing takes a suspended run with what resumes it, and not without', () => {
  const base = { taskId: 't-1', reply: 'Waiting for approval', usage: { inputTokens: 0, outputTokens: 0 }, toolCalls: [], newMessages: [] };
  const suspended = { ...base, status: 'awaiting_approval', pending: { call: { id: 'c1', name: 'kubectl', arguments: {} } } };
  assert.equal(decodeResult(`\n${JSON.stringify(suspended)}\n`)?.status, 'awaiting_approval');
  assert.equal(decodeResult(JSON.stringify({ ...base, status: 'awaiting_approval' })), undefined);
  assert.equal(decodeResult(JSON.stringify({ ...base, status: 'done' })), undefined);
});
