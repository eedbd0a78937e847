import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { formatProblem } from '../../core/config/load-config.js';
import { scanDirectory, type ScanFs } from '../../core/config/scan-directory.js';

function flowYaml(name: string): string {
  return ['apiVersion: aof.dev/v1', 'kind: AgentFlow', `metadata: { name: ${name} }`, 'spec:', '  trigger: { type: Local }', '  agents: [{ name: ops }]', ''].join('\n');
}

const realFs: ScanFs = { stat, realpath, readdir };

/** A deployment whose flows directory has a subdirectory each for a, gone, lost+found and z, each with one flow. */
async function deployment(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aof-scan-'));
  for (const sub of ['a', 'gone', 'lost+found', 'z']) {
    await mkdir(path.join(dir, 'flows', sub), { recursive: true });
    await writeFile(path.join(dir, 'flows', sub, 'flow.yaml'), flowYaml(`${sub.replace('+', '-')}-flow`));
  }
  await mkdir(path.join(dir, 'agents'));
  await writeFile(path.join(dir, 'agents', 'ops.yaml'), ['apiVersion: aof.dev/v1', 'kind: Agent', 'metadata: { name: ops }', 'spec: { model: command }', ''].join('\n'));
  await writeFile(path.join(dir, 'daemon.yaml'), ['apiVersion: aof.dev/v1', 'kind: DaemonConfig', 'metadata: { name: scan }', 'spec: {}', ''].join('\n'));
  return dir;
}

describe('scanning a directory with a subdirectory that cannot be read', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await deployment();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('skips a directory removed after its parent was listed, with a warning, and scans the rest', async () => {
    const flows = path.join(dir, 'flows');
    const gone = path.join(flows, 'gone');
    const vanishing: ScanFs = {
      ...realFs,
      readdir: async (at, options) => {
        const entries = await readdir(at, options);
        if (at === flows) await rm(gone, { recursive: true });
        return entries;
      },
    };
    const scan = await scanDirectory(flows, true, vanishing);
    assert.ok(scan.found);
    assert.deepEqual(scan.files.map((file) => path.relative(flows, file)), ['a/flow.yaml', 'lost+found/flow.yaml', 'z/flow.yaml']);
    assert.equal(scan.problems.length, 1);
    assert.equal(scan.problems[0]?.severity, 'warning');
    assert.equal(scan.problems[0]?.file, gone);
    assert.match(scan.problems[0]?.message ?? '', /^directory skipped, no files under it are loaded: ENOENT/);
  });

  it('skips a directory it may not read, naming it and why', async () => {
    const flows = path.join(dir, 'flows');
    const lostFound = path.join(flows, 'lost+found');
    const guarded: ScanFs = {
      ...realFs,
      readdir: (at, options) => (at === lostFound
        ? Promise.reject(Object.assign(new Error(`EACCES: permission denied, scandir '${at}'`), { code: 'EACCES' }))
        : readdir(at, options)),
    };
    const scan = await scanDirectory(flows, true, guarded);
    assert.ok(scan.found);
    assert.deepEqual(scan.files.map((file) => path.relative(flows, file)), ['a/flow.yaml', 'gone/flow.yaml', 'z/flow.yaml']);
    assert.deepEqual(scan.problems.map(formatProblem), [
      `${lostFound}: warning AOF_ERR_CONFIG_NOT_FOUND: directory skipped, no files under it are loaded: EACCES: permission denied, scandir '${lostFound}'`,
    ]);
  });

  it('says why the directory itself cannot be read, as for one that does not exist', async () => {
    const flows = path.join(dir, 'flows');
    const guarded: ScanFs = { ...realFs, readdir: () => Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })) };
    assert.deepEqual(await scanDirectory(flows, true, guarded), { found: false, reason: 'EACCES: permission denied' });
  });
});
