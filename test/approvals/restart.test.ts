/**
 * Suspend and resume across a daemon restart: with the file-backed store, a pending request, its
 * suspended run and its expiry survive the process; the next daemon runs the approved call
 * (exactly the argv asked for) or expires what ran out of time while it was down.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { callsWith, copyFixture, localRecord, localRequest, localResult, localSays, sleep, startApprovalDaemon, type ApprovalDaemon } from './support.js';

describe('pending approvals survive a restart with store-file', () => {
  let dir: string;
  let scratch: string;
  let env: Record<string, string>;
  let storeFile: string;
  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'aof-restart-'));
    storeFile = path.join(scratch, 'state', 'aof-store.json');
    env = { FAKE_KUBECTL_LOG: path.join(scratch, 'kubectl.jsonl') };
    dir = await copyFixture({
      plugins: [
        { use: 'approval-business-hours', config: { days: [] } },
        { use: 'store-file', config: { path: storeFile } },
      ],
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  const start = (): Promise<ApprovalDaemon> => startApprovalDaemon({ dir, env, keep: true });

  it('approves on the next daemon what was asked on the previous one, and runs it once', async () => {
    const first = await start();
    let asked: Awaited<ReturnType<typeof localRequest>>;
    try {
      asked = await localRequest(first, 'ops', 'alice', 'kubectl delete pod "restart 1"');
    } finally {
      await first.stop();
    }
    const image = JSON.parse(await readFile(storeFile, 'utf8')) as { entries: Record<string, unknown> };
    assert.ok(`approval:${asked.id}` in image.entries, 'the request is on disk');
    assert.ok(`approval:${asked.id}:run` in image.entries, 'and so is the suspended run');

    const second = await start();
    try {
      assert.equal((await localRecord(second, asked.reply.id)).status, 'awaiting_approval', 'the local reply book survived too');
      const approved = await localSays(second, 'ops', 'bob', `/approve ${asked.id}`);
      assert.equal(approved.status, 'approved');
      const result = await localResult(second, asked.reply.id);
      assert.equal(result.status, 'ok');
      assert.equal(result.reply, 'kubectl --namespace=prod delete pod restart 1');
      const calls = await callsWith(second, 'restart 1');
      assert.deepEqual(calls.map((call) => call.argv), [['--namespace=prod', 'delete', 'pod', 'restart 1']]);
    } finally {
      await second.stop();
    }
  });

  it('expires on start a request whose time ran out while the daemon was down', async () => {
    const first = await start();
    let asked: Awaited<ReturnType<typeof localRequest>>;
    try {
      asked = await localRequest(first, 'fast', 'alice', 'kubectl delete pod restart-2');
    } finally {
      await first.stop();
    }
    await sleep(1_200);
    const second = await start();
    try {
      const record = await localResult(second, asked.reply.id, 5_000);
      assert.equal(record.status, 'expired');
      const late = await localSays(second, 'fast', 'bob', `/approve ${asked.id}`);
      assert.equal(late.reply, `Request ${asked.id} is already expired; nothing changed.`);
      assert.deepEqual(await callsWith(second, 'restart-2'), []);
    } finally {
      await second.stop();
    }
  });
});
