import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ErrorCode, type Logger, type PluginInstances } from '@aof/api';
import { Kernel, type BootReport, type KernelPluginSpec } from '../../core/kernel/kernel.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import { fixtureCalls, kernelOptions, recordingLogger, resetFixtureCalls } from './support.js';

/** What recorder.js instances carry besides the ToolInstance members. */
type RecorderInstance = PluginInstances['tool'] & { marker: string; deps: { a?: unknown; logger?: Logger & { bindings: Record<string, unknown> } } };

function failuresOf(report: BootReport): Array<[string, string, string]> {
  return report.failures.map((failure) => [failure.plugin, failure.hook, failure.error.code]);
}

function callsOf(hook: string): string[] {
  return fixtureCalls().filter((call) => call.endsWith(`:${hook}`));
}

async function boot(plugins: KernelPluginSpec[], hookTimeoutMs?: number): Promise<{ kernel: Kernel; init: BootReport; start: BootReport }> {
  const options = kernelOptions(plugins, hookTimeoutMs === undefined ? {} : { hookTimeoutMs });
  const kernel = await Kernel.load(options);
  const init = await kernel.init();
  const start = await kernel.start();
  return { kernel, init, start };
}

beforeEach(resetFixtureCalls);

describe('Kernel lifecycle', () => {
  it('starts dependencies first, injects their instances, and stops in reverse', async () => {
    const { kernel, init, start } = await boot([{ use: './rec-b.js' }, { use: './rec-c.js' }, { use: './rec-a.js' }]);
    assert.deepEqual([init.ok, start.ok], [true, true]);
    assert.deepEqual(callsOf('init'), ['rec-a:init', 'rec-b:init', 'rec-c:init']);
    assert.deepEqual(callsOf('start'), ['rec-a:start', 'rec-b:start', 'rec-c:start']);

    const [a, b] = kernel.plugins('tool').map((plugin) => plugin.instance as RecorderInstance);
    assert.equal(a?.marker, 'rec-a');
    assert.equal(b?.deps.a, a, "rec-a's instance is injected into rec-b");
    assert.deepEqual(b?.deps.logger?.bindings, { plugin: 'rec-b' }, 'the logger is scoped to the plugin');

    assert.deepEqual(await kernel.stop(), { ok: true, failures: [] });
    assert.deepEqual(callsOf('stop'), ['rec-c:stop', 'rec-b:stop', 'rec-a:stop']);
  });

  it('stop is idempotent', async () => {
    const { kernel } = await boot([{ use: './rec-a.js' }]);
    const [first, second] = await Promise.all([kernel.stop(), kernel.stop()]);
    assert.deepEqual([first.ok, second.ok], [true, true]);
    assert.deepEqual(await kernel.stop(), { ok: true, failures: [] });
    assert.deepEqual(callsOf('stop'), ['rec-a:stop']);
  });

  it('keeps starting after a failed start, reports it, and still stops everyone', async () => {
    const { kernel, start } = await boot([{ use: './rec-c.js', config: { failIn: 'start' } }, { use: './rec-a.js' }, { use: './rec-b.js' }]);
    assert.equal(start.ok, false);
    assert.deepEqual(failuresOf(start), [['rec-c', 'start', ErrorCode.PLUGIN_HOOK_FAILED]]);
    assert.equal(start.failures[0]?.error.plugin, 'rec-c');
    assert.equal(start.failures[0]?.error.hook, 'start');
    assert.match(start.failures[0]?.error.message ?? '', /rec-c fails in start on purpose/);
    assert.deepEqual(callsOf('start'), ['rec-c:start', 'rec-a:start', 'rec-b:start']);

    assert.equal((await kernel.stop()).ok, true);
    assert.deepEqual(callsOf('stop'), ['rec-b:stop', 'rec-a:stop', 'rec-c:stop']);
  });

  it('does not start a plugin whose dependency failed to start', async () => {
    const { kernel, start } = await boot([{ use: './rec-a.js', config: { failIn: 'start' } }, { use: './rec-b.js' }, { use: './rec-c.js' }]);
    assert.deepEqual(failuresOf(start), [
      ['rec-a', 'start', ErrorCode.PLUGIN_HOOK_FAILED],
      ['rec-b', 'start', ErrorCode.PLUGIN_DEPENDENCY],
    ]);
    assert.deepEqual(callsOf('start'), ['rec-a:start', 'rec-c:start']);
    await kernel.stop();
  });

  it('does not init a plugin whose dependency failed to init, and stops only initialized ones', async () => {
    const { kernel, init } = await boot([{ use: './rec-a.js', config: { failIn: 'init' } }, { use: './rec-b.js' }, { use: './rec-c.js' }]);
    assert.deepEqual(failuresOf(init), [
      ['rec-a', 'init', ErrorCode.PLUGIN_HOOK_FAILED],
      ['rec-b', 'init', ErrorCode.PLUGIN_DEPENDENCY],
    ]);
    assert.deepEqual(kernel.plugins().map((plugin) => plugin.name), ['rec-c']);
    await kernel.stop();
    assert.deepEqual(callsOf('stop'), ['rec-c:stop']);
  });

  it('times out a hook that hangs and carries on', async () => {
    const began = Date.now();
    const { kernel, start } = await boot([{ use: './rec-a.js', config: { hangIn: 'start' } }, { use: './rec-c.js' }], 50);
    assert.deepEqual(failuresOf(start), [['rec-a', 'start', ErrorCode.PLUGIN_TIMEOUT]]);
    assert.ok(Date.now() - began < 2_000);
    assert.deepEqual(callsOf('start'), ['rec-a:start', 'rec-c:start']);
    await kernel.stop();
  });

  it('reports stop failures without skipping the other plugins', async () => {
    const { kernel } = await boot([{ use: './rec-a.js', config: { failIn: 'stop' } }, { use: './rec-c.js' }]);
    const stop = await kernel.stop();
    assert.deepEqual(failuresOf(stop), [['rec-a', 'stop', ErrorCode.PLUGIN_HOOK_FAILED]]);
    assert.deepEqual(callsOf('stop'), ['rec-c:stop', 'rec-a:stop']);
  });

  it('logs each failure with its plugin, hook and code', async () => {
    const logger = recordingLogger();
    const kernel = await Kernel.load(kernelOptions([{ use: './rec-a.js', config: { failIn: 'init' } }], { logger }));
    await kernel.init();
    const line = logger.lines.find((entry) => entry.level === 'error');
    assert.equal(line?.fields.plugin, 'rec-a');
    assert.equal(line?.fields.hook, 'init');
    assert.equal(line?.fields.code, ErrorCode.PLUGIN_HOOK_FAILED);
  });

  it('rejects an instance that lacks what its kind needs', async () => {
    const { init } = await boot([{ use: './bad-instance.js' }]);
    assert.deepEqual(failuresOf(init), [['bad-instance', 'init', ErrorCode.PLUGIN_HOOK_FAILED]]);
    assert.match(init.failures[0]?.error.message ?? '', /send \(function\)/);
  });

  it('requires init before start', async () => {
    const kernel = await Kernel.load(kernelOptions([{ use: './rec-a.js' }]));
    await assert.rejects(kernel.start(), /init\(\) must be called before start\(\)/);
  });
});

describe('Kernel store and metrics', () => {
  it('initializes the store plugin before plugins that use core.store', async () => {
    const { kernel, init } = await boot([{ use: './uses-store.js' }, { use: 'store-memory' }]);
    assert.deepEqual(init.failures, []);
    assert.deepEqual(kernel.plugins().map((plugin) => plugin.name), ['store-memory', 'uses-store']);
    assert.equal(await kernel.store().get('uses-store'), 'was here');
    await kernel.stop();
  });

  it('has no store before the store plugin is initialized', async () => {
    const kernel = await Kernel.load(kernelOptions([{ use: 'store-memory' }]));
    assert.throws(() => kernel.store(), (error: unknown) => error instanceof Error && /not initialized/.test(error.message));
  });

  it('counts initialized plugins by kind in aof_plugins_loaded', async () => {
    const metrics = createMetrics();
    const options = kernelOptions([{ use: 'store-memory' }, { use: './rec-a.js' }, { use: './rec-c.js' }]);
    const kernel = await Kernel.load({ ...options, services: { ...options.services, metrics } });
    await kernel.init();
    const text = await metrics.registry.metrics();
    assert.match(text, /aof_plugins_loaded\{kind="tool"\} 2/);
    assert.match(text, /aof_plugins_loaded\{kind="store"\} 1/);
    await kernel.stop();
  });
});
