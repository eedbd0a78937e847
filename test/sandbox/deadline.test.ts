import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadline } from '../../sandbox/deadline.js';

describe('deadline', () => {
  it('aborts with a TimeoutError once the time passes, and says it expired', async () => {
    const limit = deadline(undefined, 20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(limit.signal.aborted, true);
    assert.equal(limit.expired, true);
    assert.equal((limit.signal.reason as DOMException).name, 'TimeoutError');
  });

  it('follows its parent without counting that as expiry', () => {
    const parent = new AbortController();
    const limit = deadline(parent.signal, 10_000);
    parent.abort(new Error('cancelled'));
    assert.equal(limit.signal.aborted, true);
    assert.equal(limit.expired, false);
    assert.equal((limit.signal.reason as Error).message, 'cancelled');
    limit.dispose();
  });

  it('once disposed neither the timer nor the parent abort it', async () => {
    const parent = new AbortController();
    const limit = deadline(parent.signal, 20);
    limit.dispose();
    parent.abort();
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(limit.signal.aborted, false);
    assert.equal(limit.expired, false);
  });
});
