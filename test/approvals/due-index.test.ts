/**
 * The due index (approval:due:<minute>): how a cluster's nodes find the requests that are about
 * to expire with a few list reads, never a scan of every key in the store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '@aof/plugin-store-memory';
import { ApprovalStore } from '../../core/approvals/approval-store.js';
import type { ApprovalRecord, SuspendedRun } from '../../core/approvals/types.js';

const MINUTE = 60_000;
const NOW = 29_000_000 * MINUTE + 15_000;

function record(id: string, expiresAt: number): ApprovalRecord {
  return { id, expiresAt, createdAt: NOW } as ApprovalRecord;
}

describe('approval due index', () => {
  it('lists the requests that expire in the minutes of a range, and only those', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 60_000 });
    const approvals = new ApprovalStore(store, () => NOW);
    const run = {} as SuspendedRun;
    await approvals.create(record('apr-soon1', NOW + 20_000), run);
    await approvals.create(record('apr-soon2', NOW + 30_000), run);
    await approvals.create(record('apr-later', NOW + 5 * MINUTE), run);
    await approvals.create(record('apr-past', NOW - 3 * MINUTE), run);

    assert.deepEqual((await approvals.dueIds(NOW, NOW + 10_000)).sort(), ['apr-soon1', 'apr-soon2']);
    assert.deepEqual((await approvals.dueIds(NOW - 10 * MINUTE, NOW + 10_000)).sort(), ['apr-past', 'apr-soon1', 'apr-soon2']);
    assert.deepEqual((await approvals.dueIds(NOW, NOW + 6 * MINUTE)).sort(), ['apr-later', 'apr-soon1', 'apr-soon2']);
    assert.deepEqual(await approvals.dueIds(NOW + 10 * MINUTE, NOW + 20 * MINUTE), []);
    assert.deepEqual((await approvals.pendingIds()).sort(), ['apr-later', 'apr-past', 'apr-soon1', 'apr-soon2'], 'index keys are not requests');

    const ttl = await store.ttl(`approval:due:${Math.floor((NOW + 5 * MINUTE) / MINUTE)}`);
    assert.ok(ttl !== undefined && ttl > 6 * MINUTE && ttl <= 6 * MINUTE + 24 * 60 * MINUTE, `the index outlives its minute by the pending grace: ${ttl}`);
    await store.close();
  });
});
