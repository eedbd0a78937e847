/**
 * One structured record per request event: a pino line (`msg: "approval"`, `audit: true`), an
 * entry in the request's audit trail in the store, and for the decisions a count in
 * `agentflow_approvals_total{flow,status}`. The logger masks secret values in every line.
 */
import type { Logger, MetricsService } from '@aof/api';
import type { ApprovalStore } from './approval-store.js';
import type { ApprovalRecord } from './types.js';

export type AuditEvent =
  | 'requested' | 'approval' | 'denial' | 'withdrawal' | 'vote_ignored'
  | 'approved' | 'denied' | 'expired' | 'executed' | 'failed';

/** Events counted in the metric: the request and what became of it (votes stay in the log). */
const COUNTED: ReadonlySet<AuditEvent> = new Set(['requested', 'approved', 'denied', 'expired', 'executed', 'failed']);

/** What every entry repeats about its request, so each entry reads on its own. */
const REQUEST_FIELDS = ['flow', 'platform', 'workspace', 'channel', 'requester', 'request_id', 'command', 'classification', 'chain'] as const;

export const APPROVALS_METRIC = {
  name: 'agentflow_approvals_total',
  help: 'Approval decisions, by flow and status (approved, denied, expired, ...).',
  labelNames: ['flow', 'status'] as const,
};

export class ApprovalAudit {
  readonly #logger: Logger;
  readonly #store: ApprovalStore;
  readonly #counter: ReturnType<MetricsService['counter']>;

  constructor(logger: Logger, store: ApprovalStore, metrics: MetricsService) {
    this.#logger = logger;
    this.#store = store;
    this.#counter = metrics.counter(APPROVALS_METRIC);
  }

  /** Never throws: an audit store failure is logged, and the decision it records still stands. */
  async record(record: ApprovalRecord, event: AuditEvent, fields: Record<string, unknown> = {}): Promise<void> {
    await this.#write(record.id, event, {
      flow: record.flow,
      platform: record.requester.platform,
      workspace: record.requester.workspace || null,
      channel: record.channel.name ?? record.channel.id,
      requester: record.requester.user,
      request_id: record.requestId,
      command: record.command,
      classification: record.classification,
      chain: record.chain.name,
    }, fields);
  }

  /**
   * An event after the request was decided and its record dropped (a late vote): the request's
   * fields are read from its `requested` entry, which the trail keeps. False when there is no
   * such entry to attach it to. Never throws.
   */
  async recordClosed(id: string, event: AuditEvent, fields: Record<string, unknown> = {}): Promise<boolean> {
    const requested = await this.#requested(id);
    if (requested === undefined) return false;
    await this.#write(id, event, Object.fromEntries(REQUEST_FIELDS.map((field) => [field, requested[field] ?? null])), fields);
    return true;
  }

  async #requested(id: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.#store.auditTrail(id)).find((entry) => entry.event === 'requested');
    } catch (error) {
      this.#logger.warn({ approval_id: id, err: error }, 'could not read the approval audit trail');
      return undefined;
    }
  }

  async #write(id: string, event: AuditEvent, request: Record<string, unknown>, fields: Record<string, unknown>): Promise<void> {
    const entry = { audit: true, approval_id: id, event, at: new Date().toISOString(), ...request, ...fields };
    this.#logger.info(entry, 'approval');
    if (COUNTED.has(event)) this.#counter.inc({ flow: String(request.flow), status: event });
    try {
      await this.#store.appendAudit(id, entry);
    } catch (error) {
      this.#logger.warn({ approval_id: id, err: error }, 'could not store the approval audit entry');
    }
  }
}
