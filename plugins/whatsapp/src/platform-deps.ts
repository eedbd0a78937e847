import type { HttpService, InboundSink, Logger, MetricsService, StateStore } from '@aof/api';
import type { BackoffPolicy } from './backoff.js';
import type { RetryPolicy } from './graph-client.js';
import type { ModuleImporter } from './web-loader.js';
import type { WebClientFactory } from './web-client.js';
import type { ScheduleTimer } from './web-session.js';

export interface WhatsAppPlatformDeps {
  logger: Logger;
  store: StateStore;
  http: HttpService;
  metrics: MetricsService;
  inbound: InboundSink;
}

/** Seams for tests and embedders; the daemon passes none. */
export interface WhatsAppPlatformOptions {
  /** Graph API retries (tests shorten the waits). */
  retry?: RetryPolicy;
  /** Web mode: where the whatsapp-web.js client comes from; tests hand in one that needs no browser. */
  webClient?: WebClientFactory;
  /** Web mode: how the whatsapp-web.js module is imported (tests make it missing). */
  importModule?: ModuleImporter;
  /** Web mode: where the login QR code goes; the terminal (stderr) by default, never the log. */
  showQr?: (qr: string) => void;
  /** Web mode: waits between reconnects. */
  reconnect?: BackoffPolicy;
  /** Web mode: the timer reconnects are scheduled with (tests record the delays). */
  scheduleTimer?: ScheduleTimer;
}
