/** store-file keeps the store contract every StateStore keeps (`@aof/testkit`): one new file per test. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { FileStore } from '@aof/plugin-store-file';
import { runStoreContract } from '@aof/testkit';

let dir = '';
let opened = 0;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aof-file-store-contract-'));
});
after(() => rm(dir, { recursive: true, force: true }));

runStoreContract('store-file', () => FileStore.open({ path: path.join(dir, `store-${++opened}.json`), sweepIntervalMs: 20 }));
