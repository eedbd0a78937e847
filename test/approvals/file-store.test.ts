/**
 * store-file: the memory store's semantics (test/store/file-store-contract.test.ts runs the store
 * contract on it), kept in one JSON file written atomically, so what it holds is there again
 * after the process restarts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isAofError } from '@aof/api';
import { FileStore } from '@aof/plugin-store-file';

describe('store-file', () => {
  let dir: string;
  let file: string;
  const open = (): Promise<FileStore> => FileStore.open({ path: file, sweepIntervalMs: 60_000 });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'aof-file-store-'));
    file = path.join(dir, 'nested', 'store.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps everything, expiry included, across a reopen', async () => {
    const first = await open();
    await first.set('approval:apr-x', '{"id":"apr-x"}', { ttlMs: 60_000 });
    await first.listPush('approval:apr-x:votes', 'v1', 'v2');
    await first.set('gone-soon', 'v', { ttlMs: 30 });
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await open();
    assert.equal(await second.get('approval:apr-x'), '{"id":"apr-x"}');
    assert.ok(((await second.ttl('approval:apr-x')) ?? 0) > 50_000);
    assert.deepEqual(await second.listRange('approval:apr-x:votes', 0, -1), ['v1', 'v2']);
    assert.equal(await second.get('gone-soon'), undefined);
    await second.close();
  });

  it('writes by rename (no half-written file, no temp file left), and every concurrent change lands', async () => {
    const store = await open();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.set(`k${i}`, String(i))));
    await store.close();
    const image = JSON.parse(await readFile(file, 'utf8')) as { version: number; entries: Record<string, unknown> };
    assert.equal(image.version, 1);
    assert.equal(Object.keys(image.entries).length, 50);
    assert.deepEqual(await readdir(path.dirname(file)), ['store.json']);
  });

  it('refuses a file that is not a store rather than starting empty over it', async () => {
    await (await open()).close();
    await writeFile(file, '{not json');
    await assert.rejects(open(), (error) => isAofError(error, 'AOF_ERR_STORE_FAILED') && /not valid JSON/.test(error.message));
  });
});
