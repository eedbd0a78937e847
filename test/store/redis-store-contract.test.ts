/**
 * store-redis keeps the store contract every StateStore keeps (`@aof/testkit`), against a real
 * redis-server of the test's own: one server, a new connection per test, keys under the
 * contract's per-test prefix (the suite cleans them up).
 */
import { after, before } from 'node:test';
import { RedisStore } from '@aof/plugin-store-redis';
import { runStoreContract } from '@aof/testkit';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis | undefined;
before(async () => {
  redis = await startTestRedis();
});
after(() => redis?.stop());

runStoreContract('store-redis', () => {
  if (redis === undefined) throw new Error('the test Redis did not start');
  return RedisStore.open({ url: redis.url, keyPrefix: 'aof:', connectTimeoutMs: 2_000, commandTimeoutMs: 2_000 });
});
