import { after, before, describe } from 'node:test';
import { ContractContext } from './contract-context.js';
import { inboundCases } from './contract-inbound.js';
import { outboundCases } from './contract-outbound.js';
import type { PlatformHarness } from './harness.js';

/**
 * The contract every platform plugin passes: signed events reach the kernel once and normalized;
 * forged, tampered, stale and unsigned ones get 401 and reach nothing; replies land in the right
 * thread, split under the platform's limit, survive a 429; approval requests are posted and
 * answered. Call it at the top level of a test file with the platform's harness.
 */
export function runPlatformContract(harness: PlatformHarness): void {
  describe(`${harness.name} platform contract`, () => {
    const context = new ContractContext(harness);
    before(() => context.start());
    after(() => harness.stop());
    inboundCases(context);
    outboundCases(context);
  });
}
