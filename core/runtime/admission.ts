/**
 * Admission control: a global cap on running tasks, a per-user cap on tasks in progress, and a
 * bounded wait queue served by priority (critical > high > normal > low, FIFO within one), except
 * that a task waiting longer than MAX_PRIORITY_WAIT_MS goes next whatever its priority, so steady
 * high-priority work cannot starve the rest. Refusals are immediate so the user hears "busy" at
 * once instead of waiting on a full queue.
 */
import type { AgentPriority } from '@aof/api';

export interface AdmissionLimits {
  /** Tasks running at once across every flow. */
  maxConcurrent: number;
  /** Tasks one user may have running or waiting. */
  maxPerUser: number;
  /** Tasks that may wait for a slot; beyond that, `busy`. */
  queueSize: number;
}

/** How long priority may keep a waiting task behind later, more urgent ones. */
export const MAX_PRIORITY_WAIT_MS = 30_000;

/** Frees the slot; safe to call more than once. */
export type Release = () => void;

export type AdmissionTicket =
  | { status: 'admitted'; queued: boolean; ready: Promise<Release> }
  | { status: 'busy'; reason: 'queue_full' | 'user_limit' | 'closed'; reply: string };

export class AdmissionClosedError extends Error {
  constructor() {
    super('admission is closed: the runtime is shutting down');
    this.name = 'AdmissionClosedError';
  }
}

const PRIORITIES: readonly AgentPriority[] = ['critical', 'high', 'normal', 'low'];

interface Waiter {
  user: string;
  /** When it started waiting (the admission's clock). */
  since: number;
  grant(release: Release): void;
  cancel(error: Error): void;
}

export const SHUTTING_DOWN_REPLY = 'AOF is restarting right now. Please try again in a minute.';

export class Admission {
  readonly #limits: AdmissionLimits;
  readonly #queues: Record<AgentPriority, Waiter[]> = { critical: [], high: [], normal: [], low: [] };
  readonly #perUser = new Map<string, number>();
  #running = 0;
  #queued = 0;
  #closed = false;
  readonly #now: () => number;

  constructor(limits: AdmissionLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#queued;
  }

  /** `user` is the key the per-user cap counts by (platform + workspace + user id). */
  request(user: string, priority: AgentPriority = 'normal'): AdmissionTicket {
    if (this.#closed) return { status: 'busy', reason: 'closed', reply: SHUTTING_DOWN_REPLY };
    const mine = this.#perUser.get(user) ?? 0;
    if (mine >= this.#limits.maxPerUser) {
      return {
        status: 'busy',
        reason: 'user_limit',
        reply: `You already have ${plural(mine, 'task')} running (the limit is ${this.#limits.maxPerUser} per user). ` +
          'Please wait for one to finish and try again.',
      };
    }
    if (this.#running < this.#limits.maxConcurrent) {
      this.#perUser.set(user, mine + 1);
      this.#running++;
      return { status: 'admitted', queued: false, ready: Promise.resolve(this.#releaser(user)) };
    }
    if (this.#queued >= this.#limits.queueSize) {
      return {
        status: 'busy',
        reason: 'queue_full',
        reply: `AOF is busy right now (${plural(this.#running, 'task')} running, queue full). Please try again in a minute.`,
      };
    }
    this.#perUser.set(user, mine + 1);
    this.#queued++;
    const ready = new Promise<Release>((grant, cancel) => {
      this.#queueOf(priority).push({ user, since: this.#now(), grant, cancel });
    });
    return { status: 'admitted', queued: true, ready };
  }

  /** Refuses new requests and fails every waiting one with AdmissionClosedError; running tasks keep their slots. */
  close(): void {
    this.#closed = true;
    for (const priority of PRIORITIES) {
      for (const waiter of this.#queueOf(priority).splice(0)) {
        this.#queued--;
        this.#forget(waiter.user);
        waiter.cancel(new AdmissionClosedError());
      }
    }
  }

  #releaser(user: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      this.#forget(user);
      this.#grantNext();
    };
  }

  /** The slot just freed goes straight to the next waiter, so no later request can overtake it. */
  #grantNext(): void {
    if (this.#running >= this.#limits.maxConcurrent) return;
    const queue = this.#overdueQueue() ?? PRIORITIES.map((priority) => this.#queueOf(priority)).find((waiting) => waiting.length > 0);
    const waiter = queue?.shift();
    if (waiter === undefined) return;
    this.#queued--;
    this.#running++;
    waiter.grant(this.#releaser(waiter.user));
  }

  /** The queue whose head has waited longest, when that is past MAX_PRIORITY_WAIT_MS. */
  #overdueQueue(): Waiter[] | undefined {
    let oldest: Waiter[] | undefined;
    for (const priority of PRIORITIES) {
      const waiting = this.#queueOf(priority);
      const head = waiting[0];
      if (head !== undefined && (oldest === undefined || head.since < (oldest[0]?.since ?? Infinity))) oldest = waiting;
    }
    const since = oldest?.[0]?.since;
    return since !== undefined && this.#now() - since >= MAX_PRIORITY_WAIT_MS ? oldest : undefined;
  }

  #forget(user: string): void {
    const left = (this.#perUser.get(user) ?? 1) - 1;
    if (left <= 0) this.#perUser.delete(user);
    else this.#perUser.set(user, left);
  }

  /** An unknown priority (a config the schema did not check) waits as normal. */
  #queueOf(priority: AgentPriority): Waiter[] {
    return this.#queues[priority] ?? this.#queues.normal;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
