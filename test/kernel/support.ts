import path from 'node:path';
import type { Logger } from '@aof/api';
import type { KernelOptions, KernelPluginSpec } from '../../core/kernel/kernel.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import { fixturesDir } from '../helpers/paths.js';

export const pluginFixturesDir = path.join(fixturesDir, 'plugins');

interface FixtureGlobals {
  __aofFixtureCalls?: string[];
  __aofSecretConfig?: Record<string, unknown>;
}

const fixtureGlobals = globalThis as FixtureGlobals;

/** Hooks fixture plugins ran, as "name:hook" (see test/fixtures/plugins/recorder.js). */
export function fixtureCalls(): string[] {
  fixtureGlobals.__aofFixtureCalls ??= [];
  return fixtureGlobals.__aofFixtureCalls;
}

export function resetFixtureCalls(): void {
  fixtureCalls().length = 0;
}

/** The config secret-config.js was initialized with. */
export function secretConfigSeen(): Record<string, unknown> | undefined {
  return fixtureGlobals.__aofSecretConfig;
}

export interface LogLine {
  level: string;
  bindings: Record<string, unknown>;
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A Logger that keeps its lines, children included, for assertions. */
export function recordingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[]; bindings: Record<string, unknown> } {
  const log = (level: string) => (first: string | Record<string, unknown>, message?: string): void => {
    lines.push(typeof first === 'string'
      ? { level, bindings, fields: {}, message: first }
      : { level, bindings, fields: first, message });
  };
  return {
    lines,
    bindings,
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

/** Kernel options with fixture plugins resolved from test/fixtures/plugins and inert core services. */
export function kernelOptions(plugins: KernelPluginSpec[], overrides: Partial<KernelOptions> = {}): KernelOptions {
  return {
    plugins,
    baseDir: pluginFixturesDir,
    logger: recordingLogger(),
    services: {
      http: { register: () => undefined },
      metrics: createMetrics(),
      inbound: { submit: async () => ({ status: 'accepted', requestId: 'test' }) },
      flows: {
        list: () => [],
        routing: () => ({ strict_mode: false, weights: { channel: 0, user: 0, pattern: 0, platform: 0, catch_all: 0 } }),
      },
    },
    ...overrides,
  };
}
