import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ContractContext } from './contract-context.js';
import type { EventOverrides, WebhookRequest } from './harness.js';

/** Cases about what reaches the kernel: authenticity, normalization, retries, the bot's own messages. */
export function inboundCases(context: ContractContext): void {
  const { harness } = context;

  it('routes a valid signed message to the kernel once, with its fields and the bot mention stripped', async () => {
    const text = context.marker('valid');
    const { channelId, userId, thread } = harness.sample;
    const response = await context.deliver(harness.signedEvent('message', { text, mention: true, channelId, userId, thread }));
    assert.ok(response.status >= 200 && response.status < 300, `expected 2xx, got ${response.status}`);
    const message = await context.waitForInbound('the signed message', (candidate) => candidate.text === text);
    assert.equal(message.platform, harness.platform);
    assert.equal(message.channel.id, channelId);
    assert.equal(message.user.id, userId);
    assert.equal(message.thread, thread);
    assert.ok(message.kind === 'message' || message.kind === 'mention', `kind ${message.kind}`);
    assert.ok(typeof message.id === 'string' && message.id !== '', 'message id');
    assert.ok(Number.isFinite(message.receivedAt), 'receivedAt');
    await context.barrier();
    assert.equal(context.inbound((candidate) => candidate.text === text).length, 1);
  });

  const refusals: Array<[string, (overrides: EventOverrides) => WebhookRequest]> = [
    ['forged (wrong secret)', (overrides) => harness.forgedEvent(overrides)],
    ['tampered (body changed after signing)', (overrides) => harness.tamperedEvent(overrides)],
    // Only where requests carry a timestamp (a platform that signs none has no replay window).
    ...(harness.staleEvent === undefined ? [] : [['stale (timestamp outside the window)', harness.staleEvent.bind(harness)] as [string, (overrides: EventOverrides) => WebhookRequest]]),
    ['unsigned', (overrides) => harness.unsignedEvent(overrides)],
  ];
  for (const [label, make] of refusals) {
    it(`refuses a ${label} request with 401 and submits nothing`, async () => {
      const text = context.marker('refused');
      const response = await context.deliver(make({ text }));
      assert.equal(response.status, 401);
      assert.ok(!response.body.includes(text), 'the refusal must not echo the request');
      await context.barrier();
      assert.deepEqual(context.inbound((message) => message.text.includes(text)), []);
    });
  }

  it('processes a redelivered event once', async () => {
    const text = context.marker('retry');
    const event = harness.signedEvent('message', { text });
    const first = await context.deliver(event);
    const retry = await context.deliver(harness.retryOf(event));
    assert.ok(first.status < 300 && retry.status < 300, `statuses ${first.status}, ${retry.status}`);
    await context.waitForInbound('the original event', (message) => message.text === text);
    await context.barrier();
    assert.equal(context.inbound((message) => message.text === text).length, 1);
  });

  it("ignores the bot's own message", async () => {
    const text = context.marker('own');
    const response = await context.deliver(harness.botOwnMessage({ text }));
    assert.ok(response.status >= 200 && response.status < 300, `expected 2xx, got ${response.status}`);
    await context.barrier();
    assert.deepEqual(context.inbound((message) => message.text.includes(text)), []);
  });
}
