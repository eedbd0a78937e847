import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { deadline } from '../../sandbox/deadline.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const DEADLINE_MODULE = new URL('../../sandbox/deadline.js', import.meta.url).href;

/** Runs `body` in a fresh Node process with `deadline` imported; resolves with its stdout and how long it lived. */
async function inChild(body: string): Promise<{ stdout: string; ms: number }> {
  const started = Date.now();
  const script = `const { deadline } = await import(${JSON.stringify(DEADLINE_MODULE)});\n${body}`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
  return { stdout, ms: Date.now() - started };
}

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

  it('a deadline inside another ends with the outer one, which is not its own expiry', async () => {
    const outer = deadline(undefined, 20);
    const inner = deadline(outer.signal, 10_000);
    await sleep(60);
    assert.equal(outer.expired, true);
    assert.equal(inner.signal.aborted, true);
    assert.equal(inner.expired, false);
    assert.equal((inner.signal.reason as DOMException).name, 'TimeoutError');
    inner.dispose();
    outer.dispose();
  });

  it('an inner deadline disposed before the outer one ends is not aborted by it', async () => {
    const outer = deadline(undefined, 20);
    const inner = deadline(outer.signal, 10_000);
    inner.dispose();
    await sleep(60);
    assert.equal(outer.signal.aborted, true);
    assert.equal(inner.signal.aborted, false);
  });

  it('a shorter deadline fires on time while a longer one is pending, and the longer one still waits', async () => {
    const long = deadline(undefined, 10_000);
    const short = deadline(undefined, 20);
    await sleep(60);
    assert.equal(short.expired, true);
    assert.equal(long.signal.aborted, false);
    long.dispose();
  });

  it('a deadline set after an earlier one was disposed still fires at its own time', async () => {
    const first = deadline(undefined, 20);
    first.dispose();
    const second = deadline(undefined, 80);
    await sleep(40);
    assert.equal(second.signal.aborted, false, 'not before its time');
    await sleep(100);
    assert.equal(second.expired, true);
    assert.equal(first.signal.aborted, false);
  });

  it('a pending deadline keeps the process alive until it fires; a disposed one does not hold it', async () => {
    const pending = await inChild("deadline(undefined, 300).signal.addEventListener('abort', () => console.log('expired'));");
    assert.equal(pending.stdout.trim(), 'expired');
    const disposed = await inChild("deadline(undefined, 60_000).dispose(); console.log('done');");
    assert.equal(disposed.stdout.trim(), 'done');
    assert.ok(disposed.ms < 15_000, `the process lived ${disposed.ms} ms after its only deadline was disposed`);
  });

  it('its signal is made on first read: one read after the abort is already aborted, with the same reason', async () => {
    const limit = deadline(undefined, 20);
    assert.equal(limit.aborted, false);
    limit.throwIfAborted();
    await sleep(60);
    assert.equal(limit.aborted, true);
    let thrown: unknown;
    assert.throws(() => limit.throwIfAborted(), (error: unknown) => {
      thrown = error;
      return (error as DOMException).name === 'TimeoutError';
    });
    assert.equal(limit.signal.aborted, true);
    assert.equal(limit.signal.reason, thrown);
  });

  it('a deadline inside another deadline follows it with no signal read on either side', async () => {
    const outer = deadline(undefined, 20);
    const inner = deadline(outer, 10_000);
    await sleep(60);
    assert.equal(inner.aborted, true);
    assert.equal(inner.expired, false);
    assert.throws(() => inner.throwIfAborted(), { name: 'TimeoutError' });
    // The same reason all the way down, not one made per deadline.
    assert.equal(inner.signal.reason, outer.signal.reason);
    // Born inside one that has ended: aborted at once.
    const late = deadline(outer, 10_000);
    assert.equal(late.aborted, true);
    assert.equal((late.signal.reason as DOMException).name, 'TimeoutError');
    late.dispose();
    inner.dispose();
  });

  it('onAbort hears the abort once, at once when it came already, and never after dispose', async () => {
    const calls: string[] = [];
    const limit = deadline(undefined, 20);
    limit.onAbort(() => calls.push('expired'));
    const parent = new AbortController();
    parent.abort();
    deadline(parent.signal, 10_000).onAbort(() => calls.push('born aborted'));
    const disposed = deadline(undefined, 20);
    disposed.onAbort(() => calls.push('disposed'));
    disposed.dispose();
    await sleep(60);
    assert.deepEqual(calls, ['born aborted', 'expired']);
  });
});

