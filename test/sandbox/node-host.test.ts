import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createNodeHost } from '../../sandbox/node-host.js';
import { fakePath } from './task-fixtures.js';

const host = createNodeHost();
const node = process.execPath;
const base = { env: { PATH: fakePath }, timeoutMs: 5_000, maxOutputBytes: 1024 };

test('the child gets exactly the env given, never the host process env', async () => {
  process.env.AOF_TEST_VAR = 'must-not-leak';
  try {
    const result = await host.spawn([node, '-e', 'process.stdout.write(JSON.stringify(process.env))'], { ...base, env: { ONLY: 'this' } });
    const env = JSON.parse(result.stdout) as Record<string, string>;
    assert.equal(env.ONLY, 'this');
    assert.equal(env.AOF_TEST_VAR, undefined);
    assert.equal(env.PATH, undefined);
  } finally {
    delete process.env.AOF_TEST_VAR;
  }
});

test('looks the binary up on the PATH in the given env', async () => {
  const result = await host.spawn(['kubectl', 'version'], base);
  assert.equal(result.stdout, 'kubectl version\n');
  assert.equal(result.exitCode, 0);
});

test('argv is never interpreted by a shell', async () => {
  const result = await host.spawn(['kubectl', 'get', 'pods;', 'rm', '-rf', '$HOME', '`id`'], base);
  assert.equal(result.stdout, 'kubectl get pods; rm -rf $HOME `id`\n');
});

test('exit code and stderr are surfaced', async () => {
  const result = await host.spawn(['kubectl', 'exit', '3'], base);
  assert.equal(result.exitCode, 3);
  assert.equal(result.stderr, 'error: kubectl failed as asked\n');
});

test('a missing binary is notFound', async () => {
  const empty = await mkdtemp(path.join(os.tmpdir(), 'aof-empty-path-'));
  try {
    const result = await host.spawn(['kubectl', 'get', 'pods'], { ...base, env: { PATH: empty } });
    assert.equal(result.notFound, true);
    assert.equal(result.exitCode, null);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('a hanging child is killed at the timeout', async () => {
  const started = Date.now();
  const result = await host.spawn(['kubectl', 'sleep'], { ...base, timeoutMs: 200 });
  assert.equal(result.timedOut, true);
  assert.equal(result.exitCode, null);
  assert.ok(Date.now() - started < 2_000);
});

test('a grandchild holding the pipes open does not keep the call alive', async () => {
  const script = "require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'inherit' }).unref()";
  const started = Date.now();
  const result = await host.spawn([node, '-e', script], base);
  assert.ok(Date.now() - started < 3_000);
  assert.equal(result.exitCode, 0);
});

test('output past the cap is dropped and counted in a marker', async () => {
  const result = await host.spawn(['kubectl', 'flood', '5000'], { ...base, maxOutputBytes: 1000 });
  assert.equal(result.truncated, true);
  assert.equal(result.stdout, `${'x'.repeat(1000)}…[truncated 4000 bytes]`);
});

test('the cap never cuts a character in half', async () => {
  const result = await host.spawn([node, '-e', "process.stdout.write('é'.repeat(10))"], { ...base, maxOutputBytes: 5 });
  assert.equal(result.stdout, 'éé…[truncated 16 bytes]');
});

test('stdin is passed when given', async () => {
  const result = await host.spawn([node, '-e', "process.stdin.pipe(process.stdout)"], { ...base, stdin: 'hello' });
  assert.equal(result.stdout, 'hello');
});

test('an aborted signal kills the child', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const result = await host.spawn(['kubectl', 'sleep'], { ...base, signal: controller.signal });
  assert.equal(result.timedOut, true);
});
