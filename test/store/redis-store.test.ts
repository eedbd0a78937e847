/**
 * store-redis against a real redis-server of the test's own: what only a networked, shared store
 * has to get right (several nodes, key prefixes, credentials, outages). The StateStore semantics
 * every store shares are in the contract suite (redis-store-contract.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, isAofError, type Logger } from '@aof/api';
import storeRedis, { RedisStore, describeRedisUrl, type RedisStoreOptions } from '@aof/plugin-store-redis';
import { Kernel } from '../../core/kernel/kernel.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import { repoRoot } from '../helpers/paths.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (fields: unknown, message?: string): void => {
    lines.push({ level, fields: fields as Record<string, unknown>, message: message ?? '' });
  };
  const logger: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'), child: () => logger };
  return logger;
}

const storeFailed = (error: unknown): boolean => isAofError(error, ErrorCode.STORE_FAILED);

function options(url: string, overrides: Partial<RedisStoreOptions> = {}): RedisStoreOptions {
  return { url, keyPrefix: 'aof:', connectTimeoutMs: 2_000, commandTimeoutMs: 1_000, ...overrides };
}

describe('store-redis', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    await redis.stop();
  });

  it('is a store plugin that connects with the configured url and prefixes every key', async () => {
    assert.equal(storeRedis.kind, 'store');
    assert.equal(storeRedis.name, 'store-redis');
    const lines: LogLine[] = [];
    const instance = await storeRedis.init({ name: 'store-redis', config: { url: redis.url, key_prefix: 'tenant-a:' }, deps: { logger: recordingLogger(lines), metrics: createMetrics() } });
    const raw = await RedisStore.open(options(redis.url, { keyPrefix: '' }));
    try {
      await instance.store.set('plugin:k', 'v');
      assert.equal(await raw.get('tenant-a:plugin:k'), 'v', 'stored under the prefix');
      assert.deepEqual(await instance.store.keys('plugin:'), ['plugin:k'], 'and listed without it');
    } finally {
      await instance.stop?.();
      await raw.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(lines, [], 'stopping is not an outage: nothing logged');
  });

  it('shares state between two nodes: one wins a claim, counters and lists add up', async () => {
    const [a, b] = await Promise.all([RedisStore.open(options(redis.url)), RedisStore.open(options(redis.url))]);
    try {
      assert.equal(await a.set('shared:dedupe:ev1', '1', { ifAbsent: true, ttlMs: 60_000 }), true);
      assert.equal(await b.set('shared:dedupe:ev1', '1', { ifAbsent: true, ttlMs: 60_000 }), false, 'a retry reaching the other node is a duplicate');
      const increments = Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? a : b).incr('shared:hits', 1, { ttlMs: 60_000 }));
      const values = await Promise.all(increments);
      assert.deepEqual([...values].sort((x, y) => x - y), Array.from({ length: 50 }, (_, index) => index + 1), 'every increment counted once');
      const ttl = await a.ttl('shared:hits');
      assert.ok(ttl !== undefined && ttl > 59_000, `the window set by the first increment: ${ttl}`);
      await Promise.all([a.listPush('shared:votes', 'a1', 'a2'), b.listPush('shared:votes', 'b1')]);
      assert.equal((await b.listRange('shared:votes', 0, -1)).length, 3);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps deployments with different prefixes apart', async () => {
    const [one, two] = await Promise.all([RedisStore.open(options(redis.url, { keyPrefix: 'one:' })), RedisStore.open(options(redis.url, { keyPrefix: 'two:' }))]);
    try {
      await one.set('approval:x', 'one');
      assert.equal(await two.get('approval:x'), undefined);
      assert.deepEqual(await two.keys('approval:'), []);
      assert.deepEqual(await one.keys('approval:'), ['approval:x']);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('lists more keys than one SCAN batch returns', async () => {
    const store = await RedisStore.open(options(redis.url, { keyPrefix: 'many:' }));
    try {
      await Promise.all(Array.from({ length: 2_500 }, (_, index) => store.set(`k:${index}`, '1')));
      const keys = await store.keys('k:');
      assert.equal(keys.length, 2_500);
      assert.equal(new Set(keys).size, 2_500);
    } finally {
      await store.close();
    }
  });

  it('fails to open with the address and the reason, never the password', async () => {
    const closed = `redis://aof:s3cret-pw@127.0.0.1:${redis.port + 1}/2`;
    const error = await RedisStore.open(options(closed, { connectTimeoutMs: 500 })).then(() => undefined, (caught: unknown) => caught);
    assert.ok(storeFailed(error), String(error));
    const message = (error as Error).message;
    assert.match(message, /^cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/2: /);
    assert.doesNotMatch(message, /s3cret-pw/);
    assert.equal(describeRedisUrl('rediss://u:p@cache.internal'), 'rediss://cache.internal:6379');
  });

  it('rejects a url that is not a Redis address before connecting', async () => {
    const problems = await Kernel.check({ plugins: [{ use: 'store-redis', config: { url: 'http://localhost:6379' } }], baseDir: repoRoot });
    assert.equal(problems.length, 1, 'aofctl validate and the kernel catch a wrong scheme before any plugin code runs');
    assert.ok(isAofError(problems[0]?.error, ErrorCode.PLUGIN_CONFIG_INVALID), String(problems[0]?.error));
    for (const url of ['localhost:6379', 'http://localhost:6379', 'redis://']) {
      await assert.rejects(
        Promise.resolve().then(() => storeRedis.init({ name: 'store-redis', config: { url }, deps: { logger: recordingLogger([]), metrics: createMetrics() } })),
        (error: unknown) => isAofError(error, ErrorCode.PLUGIN_CONFIG_INVALID) && (error as Error).message.startsWith('store-redis: url '),
      );
    }
  });

  it('fails a command fast while Redis is down, says so once, and recovers when it is back', async () => {
    const own = await startTestRedis();
    const lines: LogLine[] = [];
    const counted = { callFailed: 0, connectionLost: 0 };
    const events = { callFailed: () => void (counted.callFailed += 1), connectionLost: () => void (counted.connectionLost += 1) };
    const store = await RedisStore.open(options(own.url, { commandTimeoutMs: 300, logger: recordingLogger(lines), events }));
    try {
      await store.set('k', 'before');
      await own.pause();
      const started = Date.now();
      await assert.rejects(store.get('k'), storeFailed);
      await assert.rejects(store.set('k', 'during'), storeFailed);
      assert.ok(Date.now() - started < 3_000, `failed within the command timeouts (${Date.now() - started} ms)`);
      const warnings = lines.filter((line) => line.level === 'warn');
      assert.equal(warnings.length, 1, JSON.stringify(lines));
      assert.equal(warnings[0]?.fields.redis, own.url);
      assert.deepEqual(counted, { callFailed: 2, connectionLost: 1 });
      await own.restart();
      // The restarted server kept nothing (no persistence): what matters is that commands work again.
      const value = await retry(async () => {
        await store.set('k', 'after');
        return store.get('k');
      });
      assert.equal(value, 'after');
      assert.ok(lines.some((line) => line.level === 'info' && line.message === 'Redis store reachable again'), JSON.stringify(lines));
    } finally {
      await store.close();
      await own.stop();
    }
  });

  it('reports a wrong password as such', async () => {
    const guarded = await startTestRedis(['--requirepass', 'right-pw']);
    try {
      const url = guarded.url.replace('redis://', 'redis://:wrong-pw@');
      const error = await RedisStore.open(options(url)).then(() => undefined, (caught: unknown) => caught);
      assert.ok(storeFailed(error), String(error));
      assert.match((error as Error).message, /WRONGPASS|invalid password|invalid username-password/i);
      assert.doesNotMatch((error as Error).message, /wrong-pw/);
      const store = await RedisStore.open(options(guarded.url.replace('redis://', 'redis://:right-pw@')));
      await store.set('k', 'v');
      assert.equal(await store.get('k'), 'v');
      await store.close();
    } finally {
      await guarded.stop();
    }
  });
});

async function retry<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
