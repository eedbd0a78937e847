import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { READ_CONCURRENCY, readTextFiles } from '../../core/config/read-text-files.js';

const FILES = 300;

function flowYaml(name: string): string {
  return ['apiVersion: aof.dev/v1', 'kind: AgentFlow', `metadata: { name: ${name} }`, 'spec:', '  trigger: { type: Local }', '  agents: [{ name: ops }]', ''].join('\n');
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed`), { code });
}

describe('reading many resource files', () => {
  it('loads every one of 300 flow files in a process allowed only 64 open files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-many-'));
    try {
      for (let i = 0; i < FILES; i++) await writeFile(path.join(dir, `flow-${i}.yaml`), flowYaml(`flow-${i}`));
      const loader = new URL('../../core/config/load-config.js', import.meta.url).href;
      const script = `const { loadResourceFiles } = await import(${JSON.stringify(loader)});
        const loaded = await loadResourceFiles([${JSON.stringify(dir)}], { env: {} });
        console.log(JSON.stringify({ flows: loaded.flows.length, problems: loaded.problems.map((p) => p.message) }));`;
      const { stdout } = await promisify(execFile)('bash', ['-c', 'ulimit -n 64 && exec "$0" --input-type=module -e "$1"', process.execPath, script]);
      assert.deepEqual(JSON.parse(stdout), { flows: FILES, problems: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it(`reads at most ${READ_CONCURRENCY} files at once, each result in its file's place`, async () => {
    const files = Array.from({ length: FILES }, (_, i) => `f${i}.yaml`);
    let open = 0;
    let most = 0;
    const read = async (file: string): Promise<string> => {
      most = Math.max(most, ++open);
      await new Promise((resolve) => setImmediate(resolve));
      open--;
      return `text of ${file}`;
    };
    const texts = await readTextFiles(files, read);
    assert.equal(most, READ_CONCURRENCY);
    assert.deepEqual(texts, files.map((file) => `text of ${file}`));
  });

  it('tries again a read that found no free file descriptor, and gives any other failure at once', async () => {
    const calls = new Map<string, number>();
    const read = async (file: string): Promise<string> => {
      const call = (calls.get(file) ?? 0) + 1;
      calls.set(file, call);
      if (file === 'busy.yaml' && call === 1) throw errno('EMFILE');
      if (file === 'system-busy.yaml' && call <= 2) throw errno('ENFILE');
      if (file === 'secret.yaml') throw errno('EACCES');
      return 'ok';
    };
    const [busy, systemBusy, secret] = await readTextFiles(['busy.yaml', 'system-busy.yaml', 'secret.yaml'], read);
    assert.equal(busy, 'ok');
    assert.equal(systemBusy, 'ok');
    assert.equal(typeof secret === 'string' ? secret : secret?.code, 'EACCES');
    assert.deepEqual(Object.fromEntries(calls), { 'busy.yaml': 2, 'system-busy.yaml': 3, 'secret.yaml': 1 });
  });
});
