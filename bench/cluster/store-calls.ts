/**
 * `node dist/bench/cluster/store-calls.js`: the daemon's CPU per Redis store call, one call at a
 * time and 50 in flight (where ioredis's auto-pipelining batches them), and the limit counter
 * as the store's Lua script against the MULTI/EXEC it could have been.
 */
import { Redis } from 'ioredis';
import { RedisStore } from '@aof/plugin-store-redis';
import { startTestRedis } from '../../test/helpers/redis-server.js';

const CALLS = 20_000;

async function measure(name: string, inFlight: number, call: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 2_000; i++) await call(i);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < CALLS) await call(next++);
  }));
  const cpu = process.cpuUsage(cpuBefore);
  const ms = performance.now() - started;
  console.log(`| ${name} | ${inFlight} | ${Math.round((CALLS / ms) * 1000).toLocaleString('en-US')} | ${((cpu.user + cpu.system) / CALLS).toFixed(1)} |`);
}

const redis = await startTestRedis();
const store = await RedisStore.open({ url: redis.url, keyPrefix: 'aof:', connectTimeoutMs: 2_000, commandTimeoutMs: 2_000 });
const raw = new Redis(redis.url, { enableAutoPipelining: true });
try {
  console.log('| call | in flight | calls/s | daemon CPU µs/call |');
  console.log('|---|---:|---:|---:|');
  for (const inFlight of [1, 50]) {
    await measure('store get', inFlight, (i) => store.get(`k${i % 100}`));
    await measure('store listRange', inFlight, (i) => store.listRange(`l${i % 100}`, 0, -1));
    await measure('store incr with ttl (script)', inFlight, (i) => store.incr(`c${i % 100}`, 1, { ttlMs: 60_000 }));
    await measure('the same as MULTI/EXEC', inFlight, (i) => raw.multi().set(`m${i % 100}`, '0', 'PX', 60_000, 'NX').incrby(`m${i % 100}`, 1).exec());
  }
} finally {
  raw.disconnect();
  await store.close();
  await redis.stop();
}
