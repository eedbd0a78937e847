/**
 * Which state store the daemon asks the kernel for: memory by default, Redis at
 * `server.redis_url` in cluster mode, a configured store in place of either, and never Redis for
 * offline commands (they share nothing and may run where the cluster's Redis is out of reach).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DaemonConfig, PluginEntry } from '@aof/api';
import type { LoadedConfig } from '../../core/config/load-config.js';
import { pluginSpecs } from '../../core/daemon/plugin-specs.js';
import type { KernelPluginSpec } from '../../core/kernel/kernel.js';

const REDIS_URL = 'redis://:pw@redis.internal:6379/0';

type ServerSettings = Partial<DaemonConfig['spec']['server']>;

function loaded(server: ServerSettings, plugins: Array<PluginEntry | string> = []): LoadedConfig {
  const daemon = { apiVersion: 'aof.dev/v1', kind: 'DaemonConfig', metadata: { name: 'specs' }, spec: { server: { host: '127.0.0.1', body_limit_bytes: 1_048_576, ...server }, plugins, platforms: {} } };
  return { daemon: daemon as unknown as DaemonConfig, daemonFile: '/x/daemon.yaml', baseDir: '/x', flows: [], agents: [], problems: [], enabledPlatforms: [] };
}

const stores = (specs: KernelPluginSpec[]): KernelPluginSpec[] => specs.filter((spec) => spec.use.startsWith('store-'));
const daemonSpecs = (config: LoadedConfig): KernelPluginSpec[] => pluginSpecs(config, { platforms: true, clusterStore: true, env: {} });
const offlineSpecs = (config: LoadedConfig): KernelPluginSpec[] => pluginSpecs(config, { platforms: false, clusterStore: false, env: {} });

describe('the daemon\'s state store', () => {
  it('is the memory store by default, as a fallback', () => {
    assert.deepEqual(stores(daemonSpecs(loaded({ port: 0 }))), [{ use: 'store-memory', fallback: true }]);
  });

  it('is the Redis store at redis_url in cluster mode, as a fallback', () => {
    const config = loaded({ port: 0, cluster_mode: true, redis_url: REDIS_URL });
    assert.deepEqual(stores(daemonSpecs(config)), [{ use: 'store-redis', config: { url: REDIS_URL }, fallback: true }]);
  });

  it('gives a configured store-redis entry the redis_url unless it names its own', () => {
    const server = { port: 0, cluster_mode: true, redis_url: REDIS_URL };
    const prefixed = loaded(server, [{ use: 'store-redis', config: { key_prefix: 'team-a:' } }]);
    assert.deepEqual(stores(daemonSpecs(prefixed)), [{ use: 'store-redis', config: { key_prefix: 'team-a:', url: REDIS_URL } }]);
    const own = loaded(server, [{ use: 'store-redis', config: { url: 'redis://other:6379' } }]);
    assert.deepEqual(stores(daemonSpecs(own)), [{ use: 'store-redis', config: { url: 'redis://other:6379' } }]);
  });

  it('leaves a configured store first, so the kernel drops the fallback', () => {
    const config = loaded({ port: 0, cluster_mode: true, redis_url: REDIS_URL }, [{ use: 'store-file', config: { path: 'state.json' } }]);
    assert.deepEqual(stores(daemonSpecs(config)).map((spec) => [spec.use, spec.fallback === true]), [['store-file', false], ['store-redis', true]]);
  });

  it('is never Redis for offline commands, configured or not', () => {
    const server = { port: 0, cluster_mode: true, redis_url: REDIS_URL };
    assert.deepEqual(stores(offlineSpecs(loaded(server))), [{ use: 'store-memory', fallback: true }]);
    assert.deepEqual(stores(offlineSpecs(loaded(server, ['store-redis']))), [{ use: 'store-memory', fallback: true }]);
  });
});
