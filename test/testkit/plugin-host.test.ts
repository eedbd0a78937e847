import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AofError, ErrorCode, type LoadedFlow } from '@aof/api';
import { deliverHttp, startPluginHost, type PluginHost } from '@aof/testkit';
import { journal, needsAnotherPlugin, plugin } from './fake-platform.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECRET = 's3cret';

function event(id: string, text: string, secret = SECRET): { path: string; headers: Record<string, string>; body: string } {
  return { path: '/webhooks/fake', headers: { 'content-type': 'application/json', 'x-fake-secret': secret }, body: JSON.stringify({ id, text }) };
}

function isCoded(code: string): (error: unknown) => boolean {
  return (error) => error instanceof AofError && error.code === code;
}

describe('startPluginHost', () => {
  let host: PluginHost | undefined;
  beforeEach(() => {
    journal.length = 0;
  });
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('boots the plugin with its config defaults and serves its routes, handing messages to the recording sink', async () => {
    const flows = [{}, {}] as unknown as LoadedFlow[];
    host = await startPluginHost({ plugin, config: { secret: SECRET }, flows });
    assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(journal, ['init', 'start']);
    const response = await deliverHttp(host.url, event('e1', 'hello'));
    assert.deepEqual([response.status, JSON.parse(response.body)], [200, { flows: 2 }], 'the default path is served; core.flows lists the flows given');
    assert.deepEqual(host.inbound.map((message) => [message.id, message.text]), [['e1', 'hello']]);
    assert.equal(host.platform.platform, 'fake');
  });

  it('gives the plugin a store that dedupes a redelivery with a ttl', async () => {
    host = await startPluginHost({ plugin, config: { secret: SECRET } });
    await deliverHttp(host.url, event('e2', 'once'));
    const retry = await deliverHttp(host.url, event('e2', 'once'));
    assert.deepEqual(JSON.parse(retry.body), { duplicate: true });
    assert.equal(host.inbound.length, 1);
    const ttl = await host.store.ttl('dedupe:fake:e2');
    assert.ok(ttl !== undefined && ttl > 0, `the dedupe key expires (ttl ${ttl})`);
  });

  it('captures the plugin\'s log lines as JSON, bound to its name, and counts into the metrics registry', async () => {
    host = await startPluginHost({ plugin, config: { secret: SECRET } });
    await deliverHttp(host.url, event('e3', 'logged'));
    const refused = await deliverHttp(host.url, event('e4', 'forged', 'wrong'));
    assert.equal(refused.status, 401);
    const line = host.logs.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.msg === 'fake event accepted');
    assert.deepEqual(line && [line.level, line.plugin, line.eventId], ['info', 'fake', 'e3']);
    const counted = await host.metrics.registry.getSingleMetric('fake_refusals_total')?.get();
    assert.deepEqual(counted?.values.map((sample) => [sample.labels.reason, sample.value]), [['secret', 1]]);
  });

  it('answers a route that throws with a generic 500 and logs the error', async () => {
    host = await startPluginHost({ plugin, config: { secret: SECRET } });
    const response = await deliverHttp(host.url, event('e5', 'boom'));
    assert.equal(response.status, 500);
    assert.ok(!response.body.includes('exploded'), 'internals stay out of the reply');
    assert.ok(host.logs.some((text) => text.includes('the fake route exploded')), 'the error is in the logs');
  });

  it('imports a plugin from a path relative to baseDir', async () => {
    host = await startPluginHost({ plugin: './fake-platform.js', baseDir: here, config: { secret: SECRET } });
    assert.equal(host.platform.platform, 'fake');
  });

  it('stops the plugin once however often stop is called', async () => {
    const started = await startPluginHost({ plugin, config: { secret: SECRET } });
    await Promise.all([started.stop(), started.stop()]);
    await started.stop();
    assert.deepEqual(journal, ['init', 'start', 'stop']);
    await assert.rejects(deliverHttp(started.url, event('e6', 'late')), 'the server is closed');
  });

  it('refuses an invalid config before any plugin code runs', async () => {
    await assert.rejects(startPluginHost({ plugin, config: { path: 'no-slash' } }), isCoded(ErrorCode.PLUGIN_CONFIG_INVALID));
    assert.deepEqual(journal, []);
  });

  it('refuses a plugin that depends on another plugin', async () => {
    await assert.rejects(startPluginHost({ plugin: needsAnotherPlugin }), isCoded(ErrorCode.PLUGIN_DEPENDENCY));
  });

  it('fails a start that throws with a coded error, and still stops the initialized plugin', async () => {
    await assert.rejects(startPluginHost({ plugin, config: { secret: SECRET, failIn: 'start' } }), (error) => isCoded(ErrorCode.PLUGIN_HOOK_FAILED)(error) && (error as AofError).hook === 'start');
    assert.deepEqual(journal, ['init', 'start', 'stop']);
  });

  it('rejects stop when the plugin\'s stop fails', async () => {
    const started = await startPluginHost({ plugin, config: { secret: SECRET, failIn: 'stop' } });
    await assert.rejects(started.stop(), isCoded(ErrorCode.PLUGIN_HOOK_FAILED));
  });
});
