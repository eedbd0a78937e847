/**
 * Where approval requests live, all under `approval:` in the StateStore (memory on one node, a
 * file or Redis when they must survive a restart or be shared):
 *
 *   approval:<id>            the pending record (JSON): the only thing the admin API lists
 *   approval:<id>:run        the suspended run (a one-item list: raw, never listed as a record)
 *   approval:<id>:votes      every vote, appended atomically (list)
 *   approval:<id>:done       the completion lock: set once (ifAbsent) with the final status
 *   approval:<id>:audit      the audit trail (list), kept after completion
 *   approval:msg:<platform>:<channel>:<message>   the request an approval message belongs to
 *   approval:due:<minute>    ids of the requests that expire in that minute since the epoch (list),
 *                            so a cluster's nodes find what is due without scanning the store
 */
import type { StateStore } from '@aof/api';
import type { ApprovalRecord, FinalStatus, StoredVote, SuspendedRun } from './types.js';

export const APPROVAL_PREFIX = 'approval:';
/** What is kept after a request completes (lock, audit, message index), for late votes and the audit trail. */
export const HISTORY_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** A pending request's keys outlive its expiry by this much, so a daemon that was down still finds it to expire it. */
const PENDING_GRACE_MS = 24 * 60 * 60 * 1000;

const ID_KEY = /^approval:(apr-[a-z0-9]+)$/;
const DUE_BUCKET_MS = 60_000;
const FINAL_STATUSES: readonly FinalStatus[] = ['approved', 'denied', 'expired', 'failed'];

/** The due index's list for one minute since the epoch. */
function dueKey(bucket: number): string {
  return `${APPROVAL_PREFIX}due:${bucket}`;
}

/** `:` and `%` escaped, so no platform id can forge another request's index key. */
function keyPart(part: string): string {
  return part.replaceAll('%', '%25').replaceAll(':', '%3A');
}

export class ApprovalStore {
  readonly #store: StateStore;
  readonly #now: () => number;

  constructor(store: StateStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** The run first: a record is never visible without the state needed to resume it. */
  async create(record: ApprovalRecord, run: SuspendedRun): Promise<void> {
    const runKey = `${APPROVAL_PREFIX}${record.id}:run`;
    await this.#store.listPush(runKey, JSON.stringify(run));
    await this.#store.expire(runKey, this.#pendingTtl(record));
    await this.save(record);
    const bucket = Math.floor(record.expiresAt / DUE_BUCKET_MS);
    await this.#store.listPush(dueKey(bucket), record.id);
    await this.#store.expire(dueKey(bucket), Math.max(1, (bucket + 1) * DUE_BUCKET_MS - this.#now()) + PENDING_GRACE_MS);
  }

  /**
   * Ids of the requests that expire between `from` and `to` (ms since the epoch, whole minutes
   * around them), pending or not: a few list reads instead of a scan of every key in the store.
   */
  async dueIds(from: number, to: number): Promise<string[]> {
    const ids = new Set<string>();
    for (let bucket = Math.floor(from / DUE_BUCKET_MS); bucket <= Math.floor(to / DUE_BUCKET_MS); bucket += 1) {
      for (const id of await this.#store.listRange(dueKey(bucket), 0, -1)) ids.add(id);
    }
    return [...ids];
  }

  async save(record: ApprovalRecord): Promise<void> {
    await this.#store.set(`${APPROVAL_PREFIX}${record.id}`, JSON.stringify(record), { ttlMs: this.#pendingTtl(record) });
  }

  async record(id: string): Promise<ApprovalRecord | undefined> {
    const raw = await this.#store.get(`${APPROVAL_PREFIX}${id}`);
    return raw === undefined ? undefined : JSON.parse(raw) as ApprovalRecord;
  }

  async run(id: string): Promise<SuspendedRun | undefined> {
    const [raw] = await this.#store.listRange(`${APPROVAL_PREFIX}${id}:run`, 0, 0);
    return raw === undefined ? undefined : JSON.parse(raw) as SuspendedRun;
  }

  /** Appends a vote and returns every vote so far, in order (listPush is atomic, so none is lost to a race). */
  async addVote(record: ApprovalRecord, vote: StoredVote): Promise<StoredVote[]> {
    const key = `${APPROVAL_PREFIX}${record.id}:votes`;
    const length = await this.#store.listPush(key, JSON.stringify(vote));
    if (length === 1) await this.#store.expire(key, this.#pendingTtl(record));
    return (await this.#store.listRange(key, 0, -1)).map((raw) => JSON.parse(raw) as StoredVote);
  }

  /** True for exactly one caller per request: the one that gets to act on the outcome. */
  complete(id: string, status: FinalStatus): Promise<boolean> {
    return this.#store.set(`${APPROVAL_PREFIX}${id}:done`, status, { ifAbsent: true, ttlMs: HISTORY_TTL_MS });
  }

  async completed(id: string): Promise<FinalStatus | undefined> {
    const raw = await this.#store.get(`${APPROVAL_PREFIX}${id}:done`);
    return FINAL_STATUSES.find((status) => status === raw);
  }

  /** Drops the pending state once the request is decided; the lock, the audit trail and the index stay. */
  async clear(id: string): Promise<void> {
    await Promise.all(['', ':run', ':votes'].map((suffix) => this.#store.delete(`${APPROVAL_PREFIX}${id}${suffix}`)));
  }

  async indexMessage(platform: string, channel: string, messageId: string, id: string): Promise<void> {
    await this.#store.set(this.#messageKey(platform, channel, messageId), id, { ttlMs: HISTORY_TTL_MS });
  }

  byMessage(platform: string, channel: string, messageId: string): Promise<string | undefined> {
    return this.#store.get(this.#messageKey(platform, channel, messageId));
  }

  async pendingIds(): Promise<string[]> {
    const keys = await this.#store.keys(APPROVAL_PREFIX);
    return keys.flatMap((key) => ID_KEY.exec(key)?.[1] ?? []).sort();
  }

  async appendAudit(id: string, entry: Record<string, unknown>): Promise<void> {
    const key = `${APPROVAL_PREFIX}${id}:audit`;
    await this.#store.listPush(key, JSON.stringify(entry));
    await this.#store.expire(key, HISTORY_TTL_MS);
  }

  async auditTrail(id: string): Promise<Array<Record<string, unknown>>> {
    return (await this.#store.listRange(`${APPROVAL_PREFIX}${id}:audit`, 0, -1)).map((raw) => JSON.parse(raw) as Record<string, unknown>);
  }

  #messageKey(platform: string, channel: string, messageId: string): string {
    return `${APPROVAL_PREFIX}msg:${keyPart(platform)}:${keyPart(channel)}:${keyPart(messageId)}`;
  }

  #pendingTtl(record: ApprovalRecord): number {
    return Math.max(1, record.expiresAt - this.#now()) + PENDING_GRACE_MS;
  }
}
