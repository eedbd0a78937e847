/**
 * The Deno SandboxHost against the node-host contract: exact env, PATH lookup in the given env,
 * no shell, exit code and stderr, missing binaries, timeout kill, output cap, stdin; plus a spawn
 * Deno's --allow-run refuses.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { SpawnOptions, SpawnResult } from '@aof/api';
import { fakePath } from '../sandbox/task-fixtures.js';
import { denoRunner, type DenoRunner } from './deno-run.js';

const probe = fileURLToPath(new URL('./fixtures/host-probe.js', import.meta.url));
const base = { env: { PATH: fakePath }, timeoutMs: 5_000, maxOutputBytes: 1024 };
let deno: DenoRunner;

before(async () => {
  deno = await denoRunner();
});
after(() => deno.cleanup());

/** Spawns argv through createDenoHost inside a Deno process allowed to run `allowRun`. */
async function spawnInDeno(argv: string[], options: SpawnOptions, allowRun = 'kubectl,node'): Promise<SpawnResult> {
  const run = await deno.run([`--allow-run=${allowRun}`], probe, { stdin: JSON.stringify({ argv, options }), env: { PATH: fakePath } });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as SpawnResult;
}

test('the child gets exactly the env given', async () => {
  const result = await spawnInDeno(['node', '-e', 'process.stdout.write(JSON.stringify(process.env))'], { ...base, env: { ONLY: 'this', PATH: fakePath } });
  assert.deepEqual(JSON.parse(result.stdout), { ONLY: 'this', PATH: fakePath });
});

test('looks the binary up on the PATH in the given env, and never through a shell', async () => {
  const result = await spawnInDeno(['kubectl', 'get', 'pods;', 'rm', '-rf', '$HOME', '`id`'], base);
  assert.equal(result.stdout, 'kubectl get pods; rm -rf $HOME `id`\n');
  assert.equal(result.exitCode, 0);
});

test('exit code and stderr are surfaced', async () => {
  const result = await spawnInDeno(['kubectl', 'exit', '3'], base);
  assert.equal(result.exitCode, 3);
  assert.equal(result.stderr, 'error: kubectl failed as asked\n');
});

test('a missing binary is notFound', async () => {
  const empty = await mkdtemp(path.join(os.tmpdir(), 'aof-empty-path-'));
  try {
    const result = await spawnInDeno(['kubectl', 'get', 'pods'], { ...base, env: { PATH: empty } });
    assert.equal(result.notFound, true);
    assert.equal(result.exitCode, null);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('a hanging child is killed at the timeout', async () => {
  const result = await spawnInDeno(['kubectl', 'sleep'], { ...base, timeoutMs: 200 });
  assert.equal(result.timedOut, true);
  assert.equal(result.exitCode, null);
});

test('output past the cap is dropped and counted in the marker', async () => {
  const result = await spawnInDeno(['kubectl', 'flood', '5000'], base);
  assert.equal(result.truncated, true);
  assert.equal(result.stdout, `${'x'.repeat(1024)}…[truncated 3976 bytes]`);
});

test('stdin reaches the child', async () => {
  const result = await spawnInDeno(['node', '-e', 'process.stdin.pipe(process.stdout)'], { ...base, stdin: 'hello from stdin' });
  assert.equal(result.stdout, 'hello from stdin');
});

test('a binary outside --allow-run is refused by Deno, as a failed spawn that says so', async () => {
  const result = await spawnInDeno(['kubectl', 'get', 'pods'], base, 'node');
  assert.equal(result.exitCode, null);
  assert.equal(result.notFound, false);
  assert.equal(result.stderr, 'permission denied by the Deno sandbox: Requires run access to "kubectl"');
});
