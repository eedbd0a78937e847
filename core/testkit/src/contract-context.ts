import { randomBytes } from 'node:crypto';
import type { DeliveryResult, PlatformHarness, RecordedInbound, StartedPlatform, WebhookRequest } from './harness.js';
import { deliverHttp, waitFor } from './wait.js';

/** How long a case waits, after its barrier arrived, for a message that must not come. */
const SETTLE_MS = 50;

/** Shared by the contract's cases: one started platform and helpers over it. */
export class ContractContext {
  readonly harness: PlatformHarness;
  #started: StartedPlatform | undefined;

  constructor(harness: PlatformHarness) {
    this.harness = harness;
  }

  async start(): Promise<void> {
    this.#started = await this.harness.start();
  }

  get started(): StartedPlatform {
    if (this.#started === undefined) throw new Error('the platform harness has not started');
    return this.#started;
  }

  deliver(request: WebhookRequest): Promise<DeliveryResult> {
    return this.harness.deliver?.(this.started.baseUrl, request) ?? deliverHttp(this.started.baseUrl, request);
  }

  /** Text no other case uses: letters, digits and dashes survive every platform's formatting. */
  marker(label: string): string {
    return `contract-${label}-${randomBytes(4).toString('hex')}`;
  }

  inbound(predicate: (message: RecordedInbound) => boolean): RecordedInbound[] {
    return this.started.inbound.filter(predicate);
  }

  waitForInbound(what: string, predicate: (message: RecordedInbound) => boolean): Promise<RecordedInbound> {
    return waitFor(what, () => this.started.inbound.find(predicate));
  }

  /**
   * Sends a fresh valid message and waits until the kernel has it. Whatever an earlier request
   * would have submitted has had the same chance to arrive, so "nothing arrived" can be asserted.
   */
  async barrier(): Promise<void> {
    const text = this.marker('barrier');
    const response = await this.deliver(this.harness.signedEvent('message', { text }));
    if (response.status >= 300) throw new Error(`barrier message refused with ${response.status}`);
    await this.waitForInbound('the barrier message', (message) => message.text === text);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }
}
