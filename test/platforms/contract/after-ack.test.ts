/**
 * AfterAck, the helper every platform plugin hands its post-ack work to: work starts after the
 * current event-loop turn, failures go to the plugin's error hook, and idle() waits for all of it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AfterAck } from '@aof/api';

describe('AfterAck', () => {
  it('starts work only after this turn: deliveries read in two callbacks of one turn are both acked first', async () => {
    const order: string[] = [];
    const work = new AfterAck(() => assert.fail('no failure expected'));
    const deliver = (name: string): void => {
      void work.run(async () => void order.push(`handle ${name}`));
      order.push(`ack ${name}`);
    };
    await new Promise<void>((resolve) => {
      setImmediate(() => deliver('a'));
      setImmediate(() => {
        deliver('b');
        resolve();
      });
    });
    await work.idle();
    assert.deepEqual(order, ['ack a', 'ack b', 'handle a', 'handle b']);
  });

  it('hands a failure to the error hook with the item it ran for, resolves run, and keeps going', async () => {
    const errors: Array<[string, string]> = [];
    const work = new AfterAck<string>((error, item) => errors.push([item, (error as Error).message]));
    await work.run(() => Promise.reject(new Error('kernel down')), 'update 41');
    let ran = false;
    await work.run(async () => {
      ran = true;
    }, 'update 42');
    assert.deepEqual(errors, [['update 41', 'kernel down']]);
    assert.equal(ran, true);
  });

  it('idle waits for work started while it waits', async () => {
    const work = new AfterAck(() => undefined);
    const done: string[] = [];
    void work.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      void work.run(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        done.push('second');
      });
      done.push('first');
    });
    await work.idle();
    assert.deepEqual(done, ['first', 'second']);
  });
});
