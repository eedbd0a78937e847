/**
 * @aof/testkit: what a platform plugin's author needs to prove the plugin keeps the platform
 * contract. The daemon's own tests also boot a real kernel (startTestKernel in
 * test/platforms/contract); that helper stays there until the kernel is a package of its own.
 */
export { runPlatformContract } from './contract.js';
export type {
  DeliveryResult,
  EventOverrides,
  FakePlatformApi,
  PlatformHarness,
  RecordedInbound,
  SentRecord,
  StartedPlatform,
  TestEventKind,
  WebhookRequest,
} from './harness.js';
export { createRecordingSink, type RecordingSink } from './recording-sink.js';
export { deliverHttp, waitFor } from './wait.js';
