// tsyringe reads decorator metadata through the Reflect polyfill and refuses to load without it.
import 'reflect-metadata';
import { container, type DependencyContainer } from 'tsyringe';

/**
 * The only place that touches tsyringe's global root container. Each kernel gets its own scope
 * directly under it, holding the core services and the plugin instances, so several kernels
 * (tests, `aofctl` checks) can live in one process without overwriting each other's services.
 * Every plugin then gets a child of that scope for what belongs to it alone (its logger).
 */
export function createKernelScope(services: Readonly<Record<string, unknown>>): DependencyContainer {
  const scope = container.createChildContainer();
  for (const [token, value] of Object.entries(services)) scope.register(token, { useValue: value });
  return scope;
}
