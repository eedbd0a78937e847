import { definePlugin } from '@aof/api';
import { MemoryStore } from './memory-store.js';

export { MemoryStore } from './memory-store.js';

export interface MemoryStoreConfig {
  /** How often keys nobody reads are swept out after they expire. */
  sweep_interval_ms?: number;
}

const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

/** The default state store: everything in this process, lost on restart, not shared between nodes. */
export const plugin = definePlugin<'store', MemoryStoreConfig>({
  name: 'store-memory',
  kind: 'store',
  configSchema: {
    type: 'object',
    properties: { sweep_interval_ms: { type: 'integer', minimum: 10, default: DEFAULT_SWEEP_INTERVAL_MS } },
    additionalProperties: false,
  },
  init: ({ config }) => {
    // The kernel applies the schema default; the fallback covers callers that run init directly.
    const store = new MemoryStore({ sweepIntervalMs: config.sweep_interval_ms ?? DEFAULT_SWEEP_INTERVAL_MS });
    return { store, stop: () => store.close() };
  },
});

export default plugin;
