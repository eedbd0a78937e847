/**
 * What people read about a request: the request itself (exact command and any body it sends,
 * flow, cluster and namespace, who must approve and by when, how to answer) and each outcome.
 * Plain Markdown; the platform turns it into its own format. Masking secrets is the caller's job.
 */
import type { ApprovalPostMode } from '@aof/api';
import { CENSOR } from '../logging/secret-scrubber.js';
import { bodyLines } from './approval-body.js';
import { displayName } from './approvers.js';
import type { ApprovalRecord, Identity } from './types.js';

/** Words that need no quoting. */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;
/**
 * Characters that could make the shown command differ from the one that runs: a backtick ends
 * the code span the command is shown in (and lets the rest format, link or ping), a newline
 * starts a line that can pose as the request's own, and control and format characters
 * (bidirectional overrides, zero-width spaces and joiners) reorder or hide text.
 */
const UNSAFE_CHAR = /[`\p{Cc}\p{Cf}\u2028\u2029]/u;

/**
 * Shows argv as one line a person can read unambiguously, as a POSIX shell would take it:
 * arguments with spaces or quotes in '…', and arguments with any of UNSAFE_CHAR in $'…' with
 * those characters written as escapes (`\n`, `\x60`, `\u202e`), so nothing in an argument can
 * break out of the request's formatting or hide part of the command.
 */
export function displayCommand(tool: string, argv: readonly string[]): string {
  return [tool, ...argv].map(displayWord).join(' ');
}

function displayWord(word: string): string {
  // A word the caller masked stays readable as the mask, not quoted as if it were a glob.
  if (PLAIN_WORD.test(word) || word === CENSOR) return word;
  if (!UNSAFE_CHAR.test(word)) return `'${word.replaceAll("'", `'\\''`)}'`;
  return `$'${[...word].map(escapedChar).join('')}'`;
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapedChar(char: string): string {
  const named = NAMED_ESCAPES[char];
  if (named !== undefined) return named;
  if (!UNSAFE_CHAR.test(char)) return char;
  const code = char.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

function instructions(mode: ApprovalPostMode, id: string): string {
  const typed = `reply \`/approve ${id}\` or \`/deny ${id}\``;
  if (mode === 'reaction') return `React with ✅ to approve or ❌ to deny (or ${typed}).`;
  if (mode === 'button') return `Use the Approve or Deny button (or ${typed}).`;
  return `To decide, ${typed}.`;
}

function when(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function whereAndWhy(record: ApprovalRecord): string {
  const where = [`flow ${record.flow}`, record.cluster && `cluster ${record.cluster}`, record.namespace && `namespace ${record.namespace}`]
    .filter(Boolean).join(', ');
  return `Where: ${where}. Why: ${record.reason} (${record.classification}).`;
}

function sends(record: ApprovalRecord): string[] {
  return record.body === undefined ? [] : bodyLines(record.body);
}

export function requestText(record: ApprovalRecord): string {
  const { chain } = record;
  const minutes = Math.max(1, Math.round((record.expiresAt - record.createdAt) / 60_000));
  return [
    `**Approval needed** (${record.id}) to run:`,
    `\`${record.command}\``,
    ...sends(record),
    whereAndWhy(record),
    `Asked by ${displayName(record.requester)}.`,
    `Needs ${chain.require} of ${chain.approvers.length} approvers (chain ${chain.name}): ${chain.approvers.join(', ')}` +
      `${record.selfApproval ? '' : '; the requester cannot approve their own request'}.`,
    `Expires at ${when(record.expiresAt)} (in ${minutes} min).`,
    instructions(record.mode, record.id),
  ].join('\n');
}

/** The approval message once decided: what was asked, and the outcome in place of how to answer. */
export function decidedRequestText(record: ApprovalRecord, outcome: string): string {
  return [
    `**Approval request** (${record.id}) to run:`,
    `\`${record.command}\``,
    ...sends(record),
    whereAndWhy(record),
    `Asked by ${displayName(record.requester)}.`,
    outcome,
  ].join('\n');
}

export function approvedText(record: ApprovalRecord, approvers: readonly Identity[]): string {
  return `✅ Approved by ${approvers.map(displayName).join(', ')} (${approvers.length} of ${record.chain.require}): running \`${record.command}\`.`;
}

export function deniedText(record: ApprovalRecord, by: Identity): string {
  return `❌ Denied by ${displayName(by)}: \`${record.command}\` was not run.`;
}

export function expiredText(record: ApprovalRecord): string {
  return `⌛ Request ${record.id} expired at ${when(record.expiresAt)} without enough approvals: \`${record.command}\` was not run.`;
}

export function progressText(record: ApprovalRecord, approvals: number): string {
  return `Approval of ${record.id} recorded: ${approvals} of ${record.chain.require} needed.`;
}

export function withdrawnText(record: ApprovalRecord, approvals: number): string {
  return `Approval of ${record.id} withdrawn: ${approvals} of ${record.chain.require} needed.`;
}

export type IgnoredReason = 'not_an_approver' | 'self_approval' | 'strategy' | 'other_message' | 'other_tenant';

export const IGNORED_TEXT: Readonly<Record<IgnoredReason, (id: string) => string>> = {
  not_an_approver: (id) => `You are not an approver of ${id}, so this does not count.`,
  self_approval: (id) => `You asked for ${id} yourself, and this flow does not allow self-approval.`,
  strategy: (id) => `The approval strategy of ${id} does not accept that now.`,
  other_message: (id) => `That button does not belong to ${id}'s approval message.`,
  other_tenant: (id) => `${id} belongs to a flow that messages sent this way cannot reach, so this does not count.`,
};

export function unreadableText(id: string): string {
  return `Request ${id} could not be read (the state store did not answer), so nothing was recorded. Send it again in a moment.`;
}

export function closedText(id: string, status: string | undefined): string {
  return status === undefined ? `Request ${id} is not pending.` : `Request ${id} is already ${status}; nothing changed.`;
}
