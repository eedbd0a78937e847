import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { collapseKlogRepeats } from '@aof/plugin-kubectl';
import { runTask } from '../../sandbox/agent-loop.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import { builtinModules, fakeCliLog, fakePath, makeTask, type BuiltinModules } from '../sandbox/task-fixtures.js';

const host = createNodeHost();
let modules: BuiltinModules;

before(async () => {
  modules = await builtinModules();
});

test('a hanging kubectl is killed at the tool timeout and the model hears why', async () => {
  const started = Date.now();
  const result = await runTask(makeTask(modules, { message: { text: 'kubectl get pods sleep' }, toolTimeoutMs: 300 }), host);
  assert.equal(result.status, 'ok');
  assert.equal(result.reply, 'kubectl timed out after 300 ms and was killed');
  assert.equal(result.toolCalls[0]?.ok, false);
  assert.ok(Date.now() - started < 3_000);
});

test('output past max_output_bytes is cut with a marker', async () => {
  const result = await runTask(makeTask(modules, { message: { text: 'kubectl flood 10000' }, maxOutputBytes: 100 }), host);
  assert.equal(result.reply, `${'x'.repeat(100)}…[truncated 9900 bytes]`);
});

test('a missing kubectl says so', async () => {
  const empty = await mkdtemp(path.join(os.tmpdir(), 'aof-empty-path-'));
  try {
    const result = await runTask(makeTask(modules, { flow: { env: { PATH: empty } } }), host);
    assert.equal(result.reply, 'kubectl is not installed on this host');
    assert.equal(result.toolCalls[0]?.ok, false);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('a non-zero exit surfaces the exit code and stderr', async () => {
  const result = await runTask(makeTask(modules, { message: { text: 'kubectl exit 3' } }), host);
  assert.equal(result.reply, 'kubectl exited with code 3\nstderr:\nerror: kubectl failed as asked');
  assert.equal(result.toolCalls[0]?.exitCode, 3);
});

test("kubectl's repeated klog errors read as one line and a count; the line that matters stays", async () => {
  const result = await runTask(makeTask(modules, { message: { text: 'kubectl unreachable' } }), host);
  const error = 'couldn\'t get current server API group list: Get "https://10.0.0.1:6443/api?timeout=32s": dial tcp 10.0.0.1:6443: i/o timeout';
  assert.equal(result.reply, [
    'kubectl exited with code 1',
    'stderr:',
    `E1202 10:01:31.590805   16790 memcache.go:265] "Unhandled Error" err="${error}"`,
    '(the line above repeated 4 more times)',
    'Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout',
  ].join('\n'));
});

test('klog lines collapse only when their messages repeat back to back', () => {
  const klog = (time: string, message: string): string => `W1202 ${time}   77 reflector.go:561] ${message}`;
  const stderr = [
    klog('10:00:00.000001', 'watch failed'),
    klog('10:00:00.000002', 'watch failed'),
    klog('10:00:00.000003', 'other'),
    klog('10:00:00.000004', 'watch failed'),
    'plain line',
    'plain line',
  ].join('\n');
  assert.equal(collapseKlogRepeats(stderr), [
    klog('10:00:00.000001', 'watch failed'),
    '(the line above repeated 1 more time)',
    klog('10:00:00.000003', 'other'),
    klog('10:00:00.000004', 'watch failed'),
    'plain line',
    'plain line',
  ].join('\n'));
  assert.equal(collapseKlogRepeats(''), '');
});

test('kubectl and helm get the flow namespace unless the call picks one', async () => {
  const log = await fakeCliLog();
  try {
    const env = { PATH: fakePath, FAKE_KUBECTL_LOG: log.file };
    const task = (text: string) => makeTask(modules, { message: { text }, flow: { namespace: 'staging', env }, agent: { tools: ['kubectl', 'helm'] } });
    await runTask(task('kubectl get pods'), host);
    await runTask(task('kubectl get pods -n dev'), host);
    await runTask(task('kubectl get pods -A'), host);
    const helm = await runTask(task('helm list'), host);
    assert.match(helm.reply, /web\tstaging\t3\tdeployed/);
    assert.deepEqual((await log.calls()).map((call) => [call.tool, ...call.argv]), [
      ['kubectl', '--namespace=staging', 'get', 'pods'],
      ['kubectl', 'get', 'pods', '-n', 'dev'],
      ['kubectl', 'get', 'pods', '-A'],
      ['helm', '--namespace=staging', 'list'],
    ]);
  } finally {
    await log.cleanup();
  }
});

test('echo joins its arguments in process', async () => {
  const result = await runTask(makeTask(modules, { message: { text: 'echo hello   "big world"' }, agent: { tools: ['echo'] } }), host);
  assert.equal(result.reply, 'hello big world');
  assert.equal(result.toolCalls[0]?.exitCode, null);
});

test('a tool that ignores max_output_bytes is cut by the runner\'s backstop', async () => {
  const word = 'z'.repeat(5_000);
  const result = await runTask(makeTask(modules, { message: { text: `echo ${word}` }, agent: { tools: ['echo'] }, maxOutputBytes: 100 }), host);
  assert.equal(result.reply, `${'z'.repeat(1_224)}…[truncated ${5_000 - 1_224} bytes]`);
});
