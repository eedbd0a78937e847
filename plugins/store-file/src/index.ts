import { definePlugin } from '@aof/api';
import { FileStore } from './file-store.js';

export { FileStore } from './file-store.js';

export interface FileStoreConfig {
  /** The JSON file (created with its directory); relative paths are from the daemon's working directory. */
  path: string;
  /** How often expired keys nobody reads are dropped from memory. */
  sweep_interval_ms?: number;
}

const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

/**
 * A persistent single-node store: name it in `plugins:` and pending approvals, dedupe marks and
 * conversation memory survive a restart. For several nodes, use a shared store (Redis) instead.
 */
export const plugin = definePlugin<'store', FileStoreConfig>({
  name: 'store-file',
  kind: 'store',
  configSchema: {
    type: 'object',
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1 },
      sweep_interval_ms: { type: 'integer', minimum: 10, default: DEFAULT_SWEEP_INTERVAL_MS },
    },
    additionalProperties: false,
  },
  init: async ({ config }) => {
    const store = await FileStore.open({ path: config.path, sweepIntervalMs: config.sweep_interval_ms ?? DEFAULT_SWEEP_INTERVAL_MS });
    return { store, stop: () => store.close() };
  },
});

export default plugin;
