import { Redis } from 'ioredis';
import { AofError, ErrorCode, type Logger, type SetOptions, type StateStore } from '@aof/api';
import { describeRedisUrl } from './redis-url.js';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port/db` or `rediss://` for TLS. */
  url: string;
  /** Put in front of every key, so several deployments (or other software) can share one Redis. */
  keyPrefix: string;
  /** How long the first connection may take before `open` fails. */
  connectTimeoutMs: number;
  /** How long a command may wait for a connected server's answer (while disconnected it fails at once). */
  commandTimeoutMs: number;
  logger?: Logger;
  /** Told of each failed call and each lost connection (the plugin counts them as metrics). */
  events?: StoreEvents;
}

export interface StoreEvents {
  callFailed(): void;
  connectionLost(): void;
}

/**
 * INCRBY that sets the ttl only on the key it creates, in one step: a counter with a window
 * (a rate limit) must not lose its expiry to a race between two nodes. A script rather than
 * MULTI/EXEC: ioredis builds a pipeline object per transaction, 43-69 µs of the daemon's CPU
 * per call against 15-17 µs for the script (bench/cluster/store-calls.ts).
 */
const INCR_WITH_TTL = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

/** SCAN's MATCH is a glob: a prefix is matched literally by escaping its special characters. */
function globLiteral(text: string): string {
  return text.replace(/[\\*?[\]]/g, (char) => `\\${char}`);
}

function assertTtl(ttlMs: number | undefined, key: string): void {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw storeError(`ttl for key "${key}" must be a positive number of milliseconds`, key);
  }
}

/** The Redis client's reason is in the message; it is not kept as a cause (log lines would print it twice). */
function storeError(message: string, key: string | undefined): AofError {
  return new AofError(ErrorCode.STORE_FAILED, message, { plugin: 'store-redis', details: key === undefined ? {} : { key } });
}

/**
 * The StateStore on a Redis server, shared by every node of a cluster: the same semantics as
 * store-memory (which mirrors Redis), each operation one command or one script, so concurrent
 * nodes never see half of an update. Redis errors (a type mismatch, a timeout, no connection)
 * reject with STORE_FAILED, and every caller copes (README, Cluster mode): dedupe lets the
 * event through, a limit check refuses nothing, an approval that cannot be recorded is refused.
 */
export class RedisStore implements StateStore {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #unwatch: () => void;
  readonly #events: StoreEvents | undefined;

  private constructor(redis: Redis, keyPrefix: string, unwatch: () => void, events: StoreEvents | undefined) {
    this.#redis = redis;
    this.#keyPrefix = keyPrefix;
    this.#unwatch = unwatch;
    this.#events = events;
  }

  /** Connects and checks the server answers; fails with the address (never the password) if not. */
  static async open(options: RedisStoreOptions): Promise<RedisStore> {
    const where = describeRedisUrl(options.url);
    const redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      // While the connection is down a command fails at once instead of queueing for the next
      // reconnect: every caller copes with a store failure, and chat answers keep their pace
      // through an outage. The command timeout covers a server that is connected but stuck.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Commands issued in one event-loop turn leave in one write: under load Redis reads and
      // parses far fewer packets (≈ 40 % less of its CPU per message in bench/cluster).
      enableAutoPipelining: true,
    });
    redis.defineCommand('aofIncrWithTtl', { numberOfKeys: 1, lua: INCR_WITH_TTL });
    // A refused password closes the connection: connect() then only says "Connection is closed",
    // while the server's reason (WRONGPASS, NOAUTH) came as an error event.
    let firstError: unknown;
    const remember = (error: unknown): void => {
      firstError ??= error;
    };
    redis.on('error', remember);
    try {
      await withTimeout(redis.connect(), options.connectTimeoutMs);
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      const reason = firstError ?? error;
      throw storeError(`cannot reach Redis at ${where}: ${messageOf(reason)}`, undefined);
    } finally {
      redis.off('error', remember);
    }
    // From here on an outage is logged and retried; before it, open's error says it all.
    const unwatch = watchConnection(redis, where, options.logger, options.events);
    return new RedisStore(redis, options.keyPrefix, unwatch, options.events);
  }

  get(key: string): Promise<string | undefined> {
    return this.#run(key, async () => (await this.#redis.get(key)) ?? undefined);
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    assertTtl(options.ttlMs, key);
    return this.#run(key, async () => {
      const ttl = options.ttlMs === undefined ? [] : ['PX', Math.ceil(options.ttlMs)];
      const absent = options.ifAbsent === true ? ['NX'] : [];
      const reply = await this.#redis.call('SET', key, value, ...ttl, ...absent);
      return reply === 'OK';
    });
  }

  delete(key: string): Promise<boolean> {
    return this.#run(key, async () => (await this.#redis.del(key)) > 0);
  }

  async incr(key: string, by = 1, options: { ttlMs?: number } = {}): Promise<number> {
    if (!Number.isSafeInteger(by)) throw storeError(`increment for key "${key}" must be an integer`, key);
    assertTtl(options.ttlMs, key);
    return this.#run(key, async () => {
      if (options.ttlMs === undefined) return this.#redis.incrby(key, by);
      return Number(await (this.#redis as unknown as IncrScript).aofIncrWithTtl(key, by, Math.ceil(options.ttlMs)));
    });
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    if (Number.isNaN(ttlMs) || ttlMs === Number.POSITIVE_INFINITY) throw storeError(`ttl for key "${key}" must be a finite number`, key);
    // As PEXPIRE: a ttl that is already over deletes the key.
    return this.#run(key, async () => (await this.#redis.pexpire(key, ttlMs <= 0 ? 0 : Math.ceil(ttlMs))) === 1);
  }

  ttl(key: string): Promise<number | undefined> {
    // PTTL answers -2 for a missing key and -1 for one without expiry.
    return this.#run(key, async () => {
      const remaining = await this.#redis.pttl(key);
      return remaining < 0 ? undefined : remaining;
    });
  }

  listPush(key: string, ...values: string[]): Promise<number> {
    return this.#run(key, () => (values.length === 0 ? this.#redis.llen(key) : this.#redis.rpush(key, ...values)));
  }

  listRange(key: string, start: number, stop: number): Promise<string[]> {
    return this.#run(key, () => this.#redis.lrange(key, start, stop));
  }

  listTrim(key: string, start: number, stop: number): Promise<void> {
    return this.#run(key, async () => {
      await this.#redis.ltrim(key, start, stop);
    });
  }

  /** SCAN, not KEYS: a listing never blocks the server for the other nodes. */
  keys(prefix: string): Promise<string[]> {
    return this.#run(undefined, async () => {
      const found = new Set<string>();
      const match = `${globLiteral(this.#keyPrefix + prefix)}*`;
      let cursor = '0';
      do {
        const [next, batch] = await this.#redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        // SCAN may return a key twice; its MATCH is applied to the full key, prefix included.
        for (const key of batch) found.add(key.slice(this.#keyPrefix.length));
        cursor = next;
      } while (cursor !== '0');
      return [...found];
    });
  }

  async close(): Promise<void> {
    this.#unwatch();
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  async #run<T>(key: string | undefined, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.#events?.callFailed();
      throw storeError(`Redis ${key === undefined ? 'scan' : `command on key "${key}"`} failed: ${messageOf(error)}`, key);
    }
  }
}

interface IncrScript {
  aofIncrWithTtl(key: string, by: number, ttlMs: number): Promise<number | string>;
}

/**
 * One warning per outage (the connection closing or failing, whichever comes first) and one
 * line when it ends, not one per reconnect attempt. Returns what stops watching (before quit).
 */
function watchConnection(redis: Redis, where: string, logger: Logger | undefined, events: StoreEvents | undefined): () => void {
  let down = false;
  const lost = (error?: unknown): void => {
    if (down) return;
    down = true;
    events?.connectionLost();
    logger?.warn({ redis: where, ...(error !== undefined && { error: messageOf(error) }) }, 'Redis store unreachable; retrying');
  };
  const back = (): void => {
    if (!down) return;
    down = false;
    logger?.info({ redis: where }, 'Redis store reachable again');
  };
  const closed = (): void => lost();
  redis.on('error', lost);
  redis.on('close', closed);
  redis.on('ready', back);
  return () => {
    redis.off('close', closed);
    redis.off('ready', back);
    // An error after this still needs a listener, or the client prints it to the console.
    redis.off('error', lost);
    redis.on('error', () => undefined);
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
