/**
 * Operational series: limits, reloads, messages in flight, and the series other parts of the
 * daemon count into (approvals, webhook rejections), declared here once so they are on /metrics
 * from the start and every writer gets the same series (create-or-get, as kernel-series.ts).
 */
import { sharedCounter } from './shared-counters.js';
import { webhookRejections } from '@aof/api';
import { Counter, Gauge, type Registry } from 'prom-client';

export type ReloadResult = 'ok' | 'error';

export interface OpsSeries {
  /** A message refused by a limit; `scope` is bounded (user, flow, organization, global, and their `_tokens`). */
  rateLimited(scope: string, flow: string): void;
  /** A busy or rate-limited notice not posted: the user had one in that channel within the interval. */
  refusalNoticeHeld(platform: string, status: string): void;
  /** A reload, applied or rejected; `generation` is the configuration's in force after it. */
  reload(result: ReloadResult, generation: number): void;
  /** The generation of the configuration in force (1 at boot). */
  configGeneration(generation: number): void;
  /** Reads the number of messages accepted and not yet answered whenever /metrics is scraped. */
  trackInFlight(read: () => number): void;
}

function series<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function opsSeries(registry: Registry): OpsSeries {
  series(registry, 'agentflow_approvals_total', () => new Counter({
    name: 'agentflow_approvals_total',
    help: 'Approval decisions, by flow and status (approved, denied, expired, ...).',
    labelNames: ['flow', 'status'] as const,
    registers: [registry],
  }));
  webhookRejections({ registry, counter: (definition) => sharedCounter(registry, definition) });
  const limited = series(registry, 'agentflow_ratelimited_total', () => new Counter({
    name: 'agentflow_ratelimited_total',
    help: 'Messages refused by a rate limit or token budget, by limit scope and flow.',
    labelNames: ['scope', 'flow'] as const,
    registers: [registry],
  }));
  const held = series(registry, 'agentflow_refusal_notices_held_total', () => new Counter({
    name: 'agentflow_refusal_notices_held_total',
    help: 'Busy and rate-limited notices not posted because the user had one in that channel within runtime.refusal_notice_interval_secs, by platform and status.',
    labelNames: ['platform', 'status'] as const,
    registers: [registry],
  }));
  const reloads = series(registry, 'agentflow_config_reload_total', () => new Counter({
    name: 'agentflow_config_reload_total',
    help: 'Configuration reloads, by result (ok: swapped in; error: rejected, the last good config stays).',
    labelNames: ['result'] as const,
    registers: [registry],
  }));
  const generation = series(registry, 'agentflow_config_generation', () => new Gauge({
    name: 'agentflow_config_generation',
    help: 'Generation of the configuration in force: 1 at boot, one more per applied reload.',
    registers: [registry],
  }));
  let readInFlight: () => number = () => 0;
  series(registry, 'agentflow_messages_in_flight', () => new Gauge({
    name: 'agentflow_messages_in_flight',
    help: 'Messages accepted and not yet answered (limits, queue, run and reply included).',
    registers: [registry],
    collect() {
      this.set(readInFlight());
    },
  }));
  return {
    rateLimited: (scope, flow) => limited.inc({ scope, flow }),
    refusalNoticeHeld: (platform, status) => held.inc({ platform, status }),
    reload(result, current) {
      reloads.inc({ result });
      generation.set(current);
    },
    configGeneration: (current) => generation.set(current),
    trackInFlight(read) {
      readInFlight = read;
    },
  };
}
