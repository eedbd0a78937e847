import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import type { LoadedFlow, RoutingConfig } from './config.js';
import type { Logger } from './logger.js';
import type { InboundMessage } from './message.js';
import type { StateStore } from './store.js';

/** A typed token for something the kernel (or another plugin) provides through DI. */
export interface ServiceRef<T> {
  readonly id: string;
  /** Phantom member carrying the type; never set. */
  readonly __type?: T;
}

export function createServiceRef<T>(id: string): ServiceRef<T> {
  return Object.freeze({ id });
}

/** Depend on another plugin's instance; the kernel starts that plugin first. */
export function pluginRef<T>(pluginName: string): ServiceRef<T> {
  return createServiceRef<T>(`plugin:${pluginName}`);
}

export function pluginNameOfRef(ref: ServiceRef<unknown>): string | undefined {
  return ref.id.startsWith('plugin:') ? ref.id.slice('plugin:'.length) : undefined;
}

/** Routes a plugin adds to the kernel's HTTP server (registered before it listens). */
export interface HttpService {
  register(plugin: FastifyPluginAsync, options?: { prefix?: string }): void;
}

export interface CounterDefinition<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

export interface CounterHandle<L extends string> {
  inc(labels: Record<L, string>, value?: number): void;
}

export interface MetricsService {
  /** The prom-client registry served at /metrics. */
  registry: Registry;
  /**
   * A counter on that registry, created on first use and shared by name afterwards, so several
   * plugins can count into one series without importing prom-client into worker-side code.
   */
  counter<L extends string>(definition: CounterDefinition<L>): CounterHandle<L>;
}

export interface SubmitResult {
  status: 'accepted' | 'duplicate' | 'dropped' | 'rejected';
  requestId: string;
  reason?: string;
}

/** Where platform plugins hand over normalized messages. */
export interface InboundSink {
  submit(message: InboundMessage): Promise<SubmitResult>;
}

/** Read access to the live flow table (it changes on reload). */
export interface FlowsService {
  list(): readonly LoadedFlow[];
  routing(): RoutingConfig;
}

export const coreServices = {
  logger: createServiceRef<Logger>('core.logger'),
  store: createServiceRef<StateStore>('core.store'),
  http: createServiceRef<HttpService>('core.http'),
  metrics: createServiceRef<MetricsService>('core.metrics'),
  inbound: createServiceRef<InboundSink>('core.inbound'),
  flows: createServiceRef<FlowsService>('core.flows'),
} as const;
