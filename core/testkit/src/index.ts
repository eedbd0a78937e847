/**
 * @aof/testkit: what a platform plugin's author needs to prove the plugin keeps the platform
 * contract, and startPluginHost to boot the plugin for it with nothing but @aof/api; what a
 * store plugin's author needs to prove the store keeps the StateStore contract. The
 * daemon's own suites that need the whole kernel (several plugins, its metrics) use
 * startTestKernel in test/platforms/contract instead.
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
export type { HostLogLevel } from './host-logger.js';
export type { PluginSource } from './host-plugin.js';
export { startPluginHost, type PluginHost, type PluginHostOptions } from './plugin-host.js';
export { createRecordingSink, type RecordingSink } from './recording-sink.js';
export { runStoreContract, type StoreContractOptions } from './store-contract.js';
export { deliverHttp, waitFor } from './wait.js';
