import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { ErrorCode, isAofError, type AofError } from '@aof/api';
import { Kernel, type KernelPluginSpec } from '../../core/kernel/kernel.js';
import { repoRoot } from '../helpers/paths.js';
import { fixtureCalls, kernelOptions, pluginFixturesDir, resetFixtureCalls, secretConfigSeen } from './support.js';

async function loadErrors(plugins: KernelPluginSpec[]): Promise<AofError[]> {
  const failure: unknown = await Kernel.load(kernelOptions(plugins)).then(() => undefined, (error: unknown) => error);
  assert.ok(failure instanceof AggregateError, 'load rejects with an AggregateError');
  const errors: unknown[] = failure.errors;
  for (const error of errors) assert.ok(isAofError(error), `every error is an AofError: ${String(error)}`);
  return errors as AofError[];
}

async function loadError(use: string): Promise<AofError> {
  const errors = await loadErrors([{ use }]);
  assert.equal(errors.length, 1);
  const [error] = errors;
  assert.ok(error);
  return error;
}

beforeEach(resetFixtureCalls);

describe('Kernel.load resolves plugins', () => {
  it('loads by relative path, absolute path, package directory and named `plugin` export', async () => {
    const kernel = await Kernel.load(kernelOptions([
      { use: './rec-a.js' },
      { use: path.join(pluginFixturesDir, 'rec-c.js') },
      { use: './esm-only-package' },
    ]));
    await kernel.init();
    assert.deepEqual(kernel.plugins().map((p) => [p.name, p.use]), [
      ['rec-a', './rec-a.js'],
      ['rec-c', path.join(pluginFixturesDir, 'rec-c.js')],
      ['esm-only', './esm-only-package'],
    ]);
    await kernel.stop();
  });

  it('loads a package by npm name and a built-in by short name', async () => {
    for (const use of ['@aof/plugin-store-memory', 'store-memory']) {
      const kernel = await Kernel.load(kernelOptions([{ use }]));
      assert.equal((await kernel.init()).ok, true);
      assert.deepEqual(kernel.plugins('store').map((p) => p.name), ['store-memory']);
      await kernel.store().set('k', 'v');
      assert.equal(await kernel.store().get('k'), 'v');
      await kernel.stop();
    }
  });

  it('resolves built-ins from its own install when baseDir has no node_modules', async () => {
    const kernel = await Kernel.load(kernelOptions([{ use: 'store-memory' }], { baseDir: path.parse(repoRoot).root }));
    assert.deepEqual((await kernel.init()).failures, []);
    await kernel.stop();
  });

  it('drops a fallback when a plugin of its kind is configured, before any of its code runs', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-fallback-'));
    const replaced = await Kernel.load(kernelOptions([
      { use: 'store-file', config: { path: path.join(dir, 'store.json') } },
      { use: './rec-a.js' },
      { use: 'store-redis', config: { url: 'redis://127.0.0.1:9' }, fallback: true },
    ]));
    try {
      // Had store-redis been initialized, init would fail: nothing listens on port 9.
      assert.deepEqual((await replaced.init()).failures, []);
      assert.deepEqual(replaced.plugins().map((p) => p.name), ['store-file', 'rec-a']);
    } finally {
      await replaced.stop();
      await rm(dir, { recursive: true, force: true });
    }

    const kept = await Kernel.load(kernelOptions([{ use: './rec-a.js' }, { use: 'store-memory', fallback: true }]));
    assert.equal((await kept.init()).ok, true);
    assert.deepEqual(kept.plugins('store').map((p) => p.name), ['store-memory'], 'no other store: the fallback serves');
    await kept.store().set('k', 'v');
    assert.equal(await kept.store().get('k'), 'v');
    await kept.stop();
  });

  it('skips disabled entries without resolving them', async () => {
    const kernel = await Kernel.load(kernelOptions([{ use: './rec-a.js' }, { use: './nowhere.js', enabled: false }]));
    await kernel.init();
    assert.deepEqual(kernel.plugins().map((p) => p.name), ['rec-a']);
  });

  it('applies config defaults to a copy of the config', async () => {
    const config = { token: 'x'.repeat(32) };
    const kernel = await Kernel.load(kernelOptions([{ use: './secret-config.js', config }]));
    await kernel.init();
    assert.deepEqual(secretConfigSeen(), { token: 'x'.repeat(32), retries: 3 });
    assert.deepEqual(config, { token: 'x'.repeat(32) });
  });
});

describe('Kernel.load rejects bad plugins with coded errors', () => {
  it('reports a missing path, package or built-in as NOT_FOUND naming the specifier', async () => {
    for (const [use, mentions] of [
      ['./does-not-exist.js', 'does-not-exist.js'],
      ['@nope/missing-plugin', '@nope/missing-plugin'],
      ['no-such-builtin', '@aof/plugin-no-such-builtin'],
    ] as const) {
      const error = await loadError(use);
      assert.equal(error.code, ErrorCode.PLUGIN_NOT_FOUND);
      assert.equal(error.plugin, use);
      assert.match(error.message, new RegExp(mentions.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    }
  });

  it('reports a module without a definePlugin() export, or one that throws on import, as INVALID', async () => {
    for (const use of ['./not-a-plugin.js', './throws-on-import.js', './recorder.js']) {
      const error = await loadError(use);
      assert.equal(error.code, ErrorCode.PLUGIN_INVALID, use);
      assert.equal(error.plugin, use);
    }
  });

  it('reports a plugin written for another API version', async () => {
    const error = await loadError('./wrong-api.js');
    assert.equal(error.code, ErrorCode.PLUGIN_API_VERSION);
    assert.equal(error.plugin, 'wrong-api');
  });

  it('reports invalid config by path and rule without echoing values', async () => {
    const secret = 'hunter2-do-not-log-me';
    const [error, ...rest] = await loadErrors([{ use: './secret-config.js', config: { token: secret, retries: 'many' } }]);
    assert.equal(rest.length, 0);
    assert.ok(error);
    assert.equal(error.code, ErrorCode.PLUGIN_CONFIG_INVALID);
    assert.equal(error.plugin, 'secret-config');
    assert.match(error.message, /\/token must NOT have fewer than 32 characters/);
    assert.match(error.message, /\/retries must be integer/);
    const everything = `${error.message} ${JSON.stringify(error.details)}`;
    assert.ok(!everything.includes(secret), 'the secret does not appear');
    assert.ok(!everything.includes('many'), 'no value appears');
  });

  it('reports two plugins with the same name', async () => {
    const [error, ...rest] = await loadErrors([{ use: './rec-a.js' }, { use: path.join(pluginFixturesDir, 'rec-a.js') }]);
    assert.equal(rest.length, 0);
    assert.equal(error?.code, ErrorCode.PLUGIN_DUPLICATE);
    assert.equal(error.plugin, 'rec-a');
  });

  it('reports a dependency on a plugin that is not loaded', async () => {
    const error = await loadError('./missing-dep.js');
    assert.equal(error.code, ErrorCode.PLUGIN_DEPENDENCY);
    assert.equal(error.plugin, 'missing-dep');
    assert.match(error.message, /not-loaded/);
  });

  it('reports a dependency on core.store when no store plugin is loaded', async () => {
    const error = await loadError('./uses-store.js');
    assert.equal(error.code, ErrorCode.PLUGIN_DEPENDENCY);
    assert.equal(error.plugin, 'uses-store');
  });

  it('reports a dependency cycle naming its members', async () => {
    const errors = await loadErrors([{ use: './cycle-x.js' }, { use: './cycle-y.js' }]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, ErrorCode.PLUGIN_DEPENDENCY);
    assert.match(errors[0]?.message ?? '', /cycle-x -> cycle-y -> cycle-x/);
  });

  it('collects every problem and runs no plugin code when any is found', async () => {
    const errors = await loadErrors([
      { use: './rec-a.js' },
      { use: './rec-b.js' },
      { use: 'store-memory' },
      { use: './does-not-exist.js' },
      { use: './not-a-plugin.js' },
      { use: './wrong-api.js' },
      { use: './secret-config.js', config: {} },
      { use: './missing-dep.js' },
      { use: './cycle-x.js' },
      { use: './cycle-y.js' },
      { use: './rec-a.js' },
    ]);
    assert.deepEqual(errors.map((error) => error.code).sort(), [
      ErrorCode.PLUGIN_API_VERSION,
      ErrorCode.PLUGIN_CONFIG_INVALID,
      ErrorCode.PLUGIN_DEPENDENCY,
      ErrorCode.PLUGIN_DEPENDENCY,
      ErrorCode.PLUGIN_DUPLICATE,
      ErrorCode.PLUGIN_INVALID,
      ErrorCode.PLUGIN_NOT_FOUND,
    ].sort());
    for (const error of errors) assert.ok(error.plugin, `${error.code} names its plugin`);
    assert.deepEqual(fixtureCalls(), []);
  });
});
