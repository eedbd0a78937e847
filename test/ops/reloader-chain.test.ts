/**
 * A reload that fails in an unforeseen way (a bug, not a config error) costs that reload only:
 * reloads run one after another on a chain, and a rejected link would answer every later one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../core/config/load-config.js';
import type { ConfigSnapshot } from '../../core/daemon/config-snapshot.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import { ConfigReloader } from '../../core/reload/config-reloader.js';
import { recordingLogger } from '../kernel/support.js';
import { weightedEntry } from '../router/flow-fixtures.js';
import { copyDeployment, pipelineSnapshot, type Deployment } from './support.js';

describe('the reload chain', () => {
  let deployment: Deployment;
  let snapshot: ConfigSnapshot;
  before(async () => {
    deployment = await copyDeployment();
    snapshot = await pipelineSnapshot(deployment);
  });
  after(() => deployment.remove());

  it('answers a reload that throws with ok: false, and runs the next one', async () => {
    let failures = 1;
    const logger = recordingLogger();
    let current = snapshot;
    const reloader = new ConfigReloader({
      load: () => loadConfig(deployment.configPath, { env: {} }),
      current: () => current,
      swap: (next) => {
        if (failures-- > 0) throw new Error('swap exploded');
        current = next;
      },
      booted: snapshot.config.daemon.spec,
      scorers: [await weightedEntry()],
      drainFlow: async () => undefined,
      logger,
      metrics: createMetrics(),
    });
    const failed = await reloader.reload('test');
    assert.deepEqual([failed.ok, failed.errors], [false, ['the reload failed: swap exploded']]);
    assert.ok(logger.lines.some((line) => line.level === 'error' && line.message === 'configuration reload failed'));
    const next = await reloader.reload('test');
    assert.equal(next.ok, true);
    assert.equal(current.generation, 2);
  });
});
