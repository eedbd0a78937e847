/**
 * The ApprovalService: the only place approval decisions are made. It suspends a run whose tool
 * call needs approval (durably, in the StateStore), posts the request, counts votes by the rules
 * in tally.ts, completes each request exactly once (a `set ifAbsent` lock, so two approvals
 * arriving together run the command once), expires requests, and resumes approved runs.
 */
import type { ApprovalInstance, ApprovalVote, InboundMessage, LoadedFlow, Logger, MetricsService, PlatformInstance, StateStore } from '@aof/api';
import type { AgentRuntime } from '../runtime/agent-runtime.js';
import { ApprovalAudit, type AuditEvent } from './approval-audit.js';
import { commandTooLongText, MAX_SHOWN_COMMAND_CHARS, notPostedText, tooLongToPost } from './approval-fit.js';
import { approvalIdIn } from './approval-ids.js';
import { ApprovalPoster, chooseMode } from './approval-posting.js';
import { newRequestRecord } from './approval-record.js';
import { resultSummary, resumeApproved, type ConfigLookup } from './approval-resume.js';
import { ApprovalStore } from './approval-store.js';
import { ExpiryClocks } from './expiry-clocks.js';
import { approvedText, closedText, deniedText, displayCommand, expiredText, IGNORED_TEXT, progressText, requestText, unreadableText, withdrawnText, type IgnoredReason } from './approval-text.js';
import { chainFor, identityOf } from './approvers.js';
import { DEFAULT_STRATEGY, isTyped, viewFromAudit, viewOf, VoteReader } from './approval-votes.js';
import { eligibility, tally } from './tally.js';
import type { ApprovalClaim, ApprovalGate, ApprovalRecord, FinalStatus, Identity, SuspendInput, SuspendResult } from './types.js';

export interface ApprovalServiceDeps {
  store: StateStore;
  /** The loaded approval strategy plugins. */
  strategies: () => readonly ApprovalInstance[];
  platforms: () => ReadonlyMap<string, PlatformInstance>;
  config: () => ConfigLookup;
  runtime: Pick<AgentRuntime, 'run'>;
  logger: Logger;
  metrics: MetricsService;
  /** Masks secret values in everything posted. */
  scrub: (text: string) => string;
  /**
   * Counts a resumed run's model tokens against the token budgets and in the token metric (the
   * pipeline counted the first run's). An approved run is not refused for a spent budget: a
   * person decided it should run.
   */
  tokensUsed?: (flow: LoadedFlow, message: InboundMessage, tokens: number) => Promise<void>;
  now?: () => number;
}

const VOTE_EVENTS: Readonly<Record<ApprovalVote, AuditEvent>> = { approve: 'approval', deny: 'denial', withdraw: 'withdrawal' };
/** How far back a cluster node looks for requests nobody expired (all nodes down for longer: the next start's restore). */
const DUE_LOOKBACK_MS = 10 * 60_000;

function actor(identity: Identity): string {
  return `${identity.platform}:${identity.workspace}:${identity.user}`;
}

export class ApprovalService implements ApprovalGate {
  readonly #deps: ApprovalServiceDeps;
  readonly #now: () => number;
  readonly #store: ApprovalStore;
  readonly #audit: ApprovalAudit;
  readonly #poster: ApprovalPoster;
  readonly #votes: VoteReader;
  readonly #clocks: ExpiryClocks;

  constructor(deps: ApprovalServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#store = new ApprovalStore(deps.store, this.#now);
    this.#audit = new ApprovalAudit(deps.logger, this.#store, deps.metrics);
    this.#poster = new ApprovalPoster({ platforms: deps.platforms, scrub: deps.scrub, logger: deps.logger, now: this.#now });
    this.#votes = new VoteReader({ strategies: deps.strategies, platforms: deps.platforms, logger: deps.logger, now: this.#now });
    this.#clocks = new ExpiryClocks({ expire: (record) => this.#expire(record), now: this.#now, logger: deps.logger });
  }

  async suspend(input: SuspendInput): Promise<SuspendResult> {
    const { message, flow } = input;
    const pending = input.outcome.result?.pending;
    const flowName = flow.flow.metadata.name;
    const refused = (why: string, reply: string, fields: Record<string, unknown> = {}): SuspendResult => {
      this.#deps.logger.warn({ request_id: input.requestId, flow: flowName, reason: why, ...fields }, 'tool call needs approval but no request was made');
      return { status: 'error', reply, delivered: false };
    };
    if (pending === undefined) return refused('no_pending_call', 'The agent stopped for an approval but did not say for what, so nothing was run.');
    // Each argument masked before it is quoted for display: quoting or escaping a secret (one with a
    // quote in it) would otherwise hide it from the mask, which matches the secret as written.
    const command = displayCommand(pending.command.tool, pending.command.argv.map(this.#deps.scrub));
    const approval = flow.flow.spec.approval;
    const chain = chainFor(approval, pending.chain);
    if (chain === undefined) {
      return refused('no_approvers', `\`${this.#deps.scrub(command)}\` needs an approval, but flow ${flowName} names no approvers ` +
        '(approval.allowed_users or approval.chains), so it was not run.');
    }
    const strategyName = approval?.strategy ?? DEFAULT_STRATEGY;
    const strategy = this.#votes.strategy(strategyName);
    if (strategy === undefined) {
      return refused('unknown_strategy', `\`${this.#deps.scrub(command)}\` needs an approval, but the approval strategy "${strategyName}" is not loaded on this daemon, so it was not run.`);
    }
    const record = newRequestRecord(input, pending, {
      command: this.#deps.scrub(command),
      chain,
      strategy: strategyName,
      mode: chooseMode(strategy.mode ?? 'reaction', this.#deps.platforms().get(message.platform)),
      scrub: this.#deps.scrub,
      now: this.#now(),
    });
    if (record.command.length > MAX_SHOWN_COMMAND_CHARS) {
      // Shown whole or not at all: approvers must see everything an approval runs.
      const sizes = { length: record.command.length, limit: MAX_SHOWN_COMMAND_CHARS };
      await this.#audit.record(record, 'failed', { reason: 'command_too_long', ...sizes });
      return refused('command_too_long', commandTooLongText(record.command), sizes);
    }
    try {
      await this.#store.create(record, { pending, text: message.text });
    } catch (error) {
      this.#deps.logger.error({ flow: flowName, err: error }, 'could not store the approval request');
      return refused('store_failed', `\`${record.command}\` needs an approval, but the request could not be recorded, so it was not run. Please try again.`);
    }
    const text = requestText(record);
    try {
      const posted = await this.#poster.postRequest(record, text);
      if (posted !== undefined && record.mode !== 'command') {
        record.approvalMessageId = posted;
        await this.#store.save(record);
        await this.#store.indexMessage(record.requester.platform, record.channel.id, posted, record.id);
      }
    } catch (error) {
      const tooLong = tooLongToPost(error);
      if (tooLong === undefined) this.#deps.logger.error({ approval_id: record.id, err: error }, 'could not post the approval request');
      await this.#close(record, 'failed', { reason: 'not_posted', ...(tooLong !== undefined && { too_long: tooLong }) });
      return refused('not_posted', notPostedText(record.command, tooLong));
    }
    await this.#audit.record(record, 'requested', {
      strategy: record.strategy,
      mode: record.mode,
      approvers: chain.approvers,
      require: chain.require,
      self_approval: record.selfApproval,
      reason: record.reason,
      ...(record.body !== undefined && { body: record.body }),
      expires_at: new Date(record.expiresAt).toISOString(),
      ...(record.approvalMessageId !== undefined && { approval_message_id: record.approvalMessageId }),
    });
    this.#clocks.schedule(record);
    return { status: 'awaiting_approval', reply: this.#deps.scrub(text), delivered: true };
  }

  /**
   * The request an event is a vote on, if any. When the store cannot say (an outage), a typed
   * message that names a request is answered that its vote was not recorded, rather than handed
   * to a flow as a chat message; other events fail to the caller.
   */
  async claim(message: InboundMessage): Promise<ApprovalClaim | undefined> {
    try {
      return await this.#claim(message);
    } catch (error) {
      const named = isTyped(message) ? approvalIdIn(message.text) : undefined;
      if (named === undefined) throw error;
      this.#deps.logger.error({ approval_id: named, err: error }, 'could not read the approval request a message names');
      return { approvalId: named, settle: () => this.#poster.answer(message, unreadableText(named), 'error', null) };
    }
  }

  async #claim(message: InboundMessage): Promise<ApprovalClaim | undefined> {
    const id = await this.#votes.requestOf(message, this.#store);
    if (id === undefined) return undefined;
    const record = await this.#store.record(id);
    const view = record === undefined ? viewFromAudit(id, await this.#store.auditTrail(id)) : viewOf(record);
    if (view === undefined) return undefined;
    const reading = this.#votes.read(message, view);
    if (reading === undefined) {
      if (isTyped(message)) return undefined;
      return { approvalId: id, settle: async () => this.#deps.logger.debug({ approval_id: id, kind: message.kind }, 'event on an approval message is not a vote') };
    }
    // Credentials some flows carry themselves vouch for those flows only (InboundMessage.flows): what
    // they signed must not vote on another tenant's request, pending or decided, any more than route to it.
    if (message.flows !== undefined && !message.flows.includes(view.flow)) {
      const vote = 'vote' in reading ? reading.vote : undefined;
      return { approvalId: id, settle: async () => this.#ignore(id, message, 'other_tenant', await this.#store.record(id), vote) };
    }
    if ('refusedByStrategy' in reading) return { approvalId: id, settle: async () => this.#ignore(id, message, 'strategy', await this.#store.record(id)) };
    return { approvalId: id, settle: () => this.#settle(id, message, reading.vote) };
  }

  /** Re-arms the expiry of every pending request (after a restart); those already past expire now. */
  async restore(): Promise<void> {
    for (const id of await this.#store.pendingIds()) {
      const record = await this.#store.record(id);
      if (record !== undefined) this.#clocks.schedule(record);
    }
  }

  /**
   * Cluster mode: every `intervalMs`, clocks for the requests other nodes asked that are due
   * soon (or were due in the last ten minutes). A node that stops takes its clocks with it; this
   * way another node expires its requests on time, and the completion lock lets one close each.
   */
  shareExpiry(intervalMs: number): void {
    this.#clocks.sweepEvery(intervalMs, () => this.#armDue(intervalMs));
  }

  async #armDue(intervalMs: number): Promise<void> {
    const now = this.#now();
    for (const id of await this.#store.dueIds(now - DUE_LOOKBACK_MS, now + 2 * intervalMs)) {
      if (this.#clocks.has(id)) continue;
      const record = await this.#store.record(id);
      if (record !== undefined) this.#clocks.schedule(record);
    }
  }

  /** Stops the expiry clocks (pending requests stay in the store for the next start). */
  async close(): Promise<void> {
    await this.#clocks.close();
  }

  async #settle(id: string, message: InboundMessage, vote: ApprovalVote): Promise<void> {
    const record = await this.#store.record(id);
    if (record === undefined) return this.#ignore(id, message, 'closed', undefined, vote);
    if (this.#now() >= record.expiresAt) {
      await this.#expire(record);
      return this.#ignore(id, message, 'closed', record, vote);
    }
    const action = message.kind === 'button' ? message.action?.messageId : undefined;
    if (action !== undefined && record.approvalMessageId !== undefined && action !== record.approvalMessageId) {
      return this.#ignore(id, message, 'other_message', record);
    }
    const voter = identityOf(message);
    const eligible = eligibility(record, voter, vote);
    if (!eligible.ok) return this.#ignore(id, message, eligible.reason, record, vote);
    const votes = await this.#store.addVote(record, { voter, vote, at: this.#now() });
    await this.#audit.record(record, VOTE_EVENTS[vote], { actor: actor(voter), actor_name: voter.name ?? null });
    const result = tally(record, votes);
    if (result.state === 'pending') {
      const text = vote === 'withdraw' ? withdrawnText(record, result.approvers.length) : progressText(record, result.approvers.length);
      if (isTyped(message)) await this.#poster.answer(message, text, 'recorded', record.flow);
      return;
    }
    if (!await this.#store.complete(record.id, result.state)) return this.#ignore(id, message, 'closed', record, vote);
    this.#clocks.cancel(record.id);
    if (result.state === 'denied') {
      await this.#store.clear(record.id);
      await this.#audit.record(record, 'denied', { actor: actor(result.by) });
      const text = deniedText(record, result.by);
      if (isTyped(message)) await this.#poster.answer(message, text, 'denied', record.flow);
      await this.#poster.closeRequest(record, text);
      return this.#poster.toThread(record, text, 'denied');
    }
    if (isTyped(message)) await this.#poster.answer(message, approvedText(record, result.approvers), 'approved', record.flow);
    await this.#execute(record, result.approvers);
  }

  /** Runs the approved call once (the caller holds the completion lock) and posts what happened. */
  async #execute(record: ApprovalRecord, approvers: Identity[]): Promise<void> {
    const run = await this.#store.run(record.id);
    await this.#store.clear(record.id);
    await this.#audit.record(record, 'approved', { approvers: approvers.map(actor) });
    await this.#poster.closeRequest(record, approvedText(record, approvers));
    await this.#poster.toThread(record, approvedText(record, approvers), 'approved');
    if (run === undefined) {
      await this.#audit.record(record, 'failed', { reason: 'run_state_missing' });
      return this.#poster.toThread(record, `The suspended run of ${record.id} was not found, so \`${record.command}\` was not run.`, 'error');
    }
    const resumed = await resumeApproved(record, run, { runtime: this.#deps.runtime, config: this.#deps.config, now: this.#now });
    if ('error' in resumed) {
      await this.#audit.record(record, 'failed', { reason: resumed.error });
      return this.#poster.toThread(record, resumed.error, 'error');
    }
    const { outcome, message, flow } = resumed;
    if (outcome.tokensUsed > 0) {
      await this.#deps.tokensUsed?.(flow, message, outcome.tokensUsed).catch((error: unknown) => {
        this.#deps.logger.warn({ approval_id: record.id, err: error }, 'could not record the tokens of an approved run against the token budgets');
      });
    }
    await this.#audit.record(record, 'executed', { result: resultSummary(outcome) });
    if (outcome.status === 'awaiting_approval') {
      // The run went on and reached another call that needs approval: a new request of its own.
      const next = await this.suspend({ requestId: outcome.requestId, message, flow, agent: record.agent, outcome });
      if (!next.delivered) await this.#poster.toThread(record, next.reply, next.status);
      return;
    }
    await this.#poster.toThread(record, outcome.reply, outcome.status);
  }

  async #ignore(id: string, message: InboundMessage, reason: IgnoredReason | 'closed', record?: ApprovalRecord, vote?: ApprovalVote): Promise<void> {
    const voter = identityOf(message);
    const fields = { actor: actor(voter), reason, ...(vote !== undefined && { vote }) };
    // A decided request's record is gone, but its audit trail is kept: a late vote is audited there too.
    if (record !== undefined) await this.#audit.record(record, 'vote_ignored', fields);
    else if (!await this.#audit.recordClosed(id, 'vote_ignored', fields)) this.#deps.logger.info({ approval_id: id, ...fields }, 'approval event ignored');
    if (!isTyped(message)) return;
    const text = reason === 'closed' ? closedText(id, await this.#store.completed(id)) : IGNORED_TEXT[reason](id);
    // Another tenant is answered as one of the flows it may reach (on Slack: with its own app's token), never as the request's.
    const flow = reason === 'other_tenant' ? message.flows?.[0] ?? null : record?.flow ?? null;
    await this.#poster.answer(message, text, 'ignored', flow);
  }

  async #expire(record: ApprovalRecord): Promise<void> {
    if (!await this.#store.complete(record.id, 'expired')) return;
    this.#clocks.cancel(record.id);
    await this.#store.clear(record.id);
    await this.#audit.record(record, 'expired');
    await this.#poster.closeRequest(record, expiredText(record));
    await this.#poster.toThread(record, expiredText(record), 'expired');
  }

  /** Completes a request that never got going (not posted): nothing left pending, the reason audited. */
  async #close(record: ApprovalRecord, status: FinalStatus, fields: Record<string, unknown>): Promise<void> {
    try {
      if (await this.#store.complete(record.id, status)) await this.#store.clear(record.id);
    } catch (error) {
      this.#deps.logger.warn({ approval_id: record.id, err: error }, 'could not clear the approval request');
    }
    await this.#audit.record(record, 'failed', fields);
  }
}
