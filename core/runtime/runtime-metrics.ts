/**
 * The runtime's Prometheus series. Fetched from the registry when present and created
 * otherwise (as kernel-series.ts does), so a second runtime on one registry (a test, a reload)
 * does not fail on a duplicate name; the gauges read the runtime that registered them.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { OutcomeStatus } from './task-outcome.js';

export interface RuntimeMetrics {
  recordOutcome(flow: string, agent: string, status: OutcomeStatus, queuedMs: number, runMs: number): void;
}

export interface RuntimeGauges {
  running(): number;
  queued(): number;
  pools(): number;
  threads(): number;
}

function series<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createRuntimeMetrics(registry: Registry | undefined, gauges: RuntimeGauges): RuntimeMetrics {
  if (registry === undefined) return { recordOutcome: () => undefined };
  const tasks = series(registry, 'agentflow_sandbox_tasks_total', () => new Counter({
    name: 'agentflow_sandbox_tasks_total',
    help: 'Sandbox tasks by flow, agent and outcome (ok, error, busy, timeout, crashed, out_of_memory).',
    labelNames: ['flow', 'agent', 'status'] as const,
    registers: [registry],
  }));
  const wait = series(registry, 'agentflow_sandbox_queue_wait_seconds', () => new Histogram({
    name: 'agentflow_sandbox_queue_wait_seconds',
    help: 'Time a task waited for an admission slot.',
    labelNames: ['flow'] as const,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60],
    registers: [registry],
  }));
  const run = series(registry, 'agentflow_sandbox_run_seconds', () => new Histogram({
    name: 'agentflow_sandbox_run_seconds',
    help: 'Time a task ran in its flow sandbox, from admission to result.',
    labelNames: ['flow', 'agent'] as const,
    buckets: [0.005, 0.05, 0.25, 1, 5, 15, 60, 300],
    registers: [registry],
  }));
  const gauge = (name: string, help: string, read: () => number): void => {
    series(registry, name, () => new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } }));
  };
  gauge('agentflow_sandbox_running_tasks', 'Tasks running now, across flows.', gauges.running);
  gauge('agentflow_sandbox_queued_tasks', 'Tasks waiting for an admission slot.', gauges.queued);
  gauge('agentflow_sandbox_pools', 'Flow sandbox pools alive (an idle flow has none).', gauges.pools);
  gauge('agentflow_sandbox_threads', 'Sandbox worker threads or processes alive.', gauges.threads);
  return {
    recordOutcome(flow, agent, status, queuedMs, runMs) {
      tasks.inc({ flow, agent, status });
      if (status === 'busy') return;
      wait.observe({ flow }, queuedMs / 1000);
      run.observe({ flow, agent }, runMs / 1000);
    },
  };
}
