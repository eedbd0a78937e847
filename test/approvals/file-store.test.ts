/**
 * store-file: the memory store's semantics, kept in one JSON file written atomically, so what it
 * holds is there again after the process restarts.
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

  it('behaves like the memory store: strings, ifAbsent, counters, lists, ttl, keys, type errors', async () => {
    const store = await open();
    assert.equal(await store.set('a', '1'), true);
    assert.equal(await store.set('a', '2', { ifAbsent: true }), false);
    assert.equal(await store.get('a'), '1');
    assert.equal(await store.incr('n', 5), 5);
    assert.equal(await store.incr('n'), 6);
    assert.equal(await store.listPush('l', 'x', 'y', 'z'), 3);
    assert.deepEqual(await store.listRange('l', -2, -1), ['y', 'z']);
    await store.listTrim('l', 0, 0);
    assert.deepEqual(await store.listRange('l', 0, -1), ['x']);
    await store.set('short', 'v', { ttlMs: 20 });
    assert.ok(((await store.ttl('short')) ?? 0) > 0);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(await store.get('short'), undefined);
    assert.deepEqual((await store.keys('')).sort(), ['a', 'l', 'n']);
    await assert.rejects(store.get('l'), (error) => isAofError(error, 'AOF_ERR_STORE_FAILED'));
    assert.equal(await store.delete('a'), true);
    assert.equal(await store.delete('a'), false);
    await store.close();
  });

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
