/**
 * An approval request is posted whole or not at all. Cut to fit a message, it would hide the end
 * of the command from the people approving it while its buttons or reactions still count, and
 * the hidden part would run on approval. A platform checks the request as it will post it (in
 * its own format) and throws instead; the kernel then tells the requester and runs nothing.
 * Once decided, the message is rewritten to say so; there a shorter text stands in for one that
 * does not fit.
 */
import { AofError, ErrorCode } from './errors.js';
import type { ApprovalCloseMessage, ApprovalMode } from './platform.js';

/** Where a request did not fit, for the error's message and details. */
export interface ApprovalFitTarget {
  /** The platform's name, as people know it ("Slack"). */
  platform: string;
  mode: ApprovalMode;
}

/** `text` (the request in the platform's format) when it fits `limit` characters; else throws `AOF_ERR_APPROVAL_TOO_LONG`. */
export function wholeApprovalText(text: string, limit: number, target: ApprovalFitTarget): string {
  if (text.length <= limit) return text;
  throw new AofError(
    ErrorCode.APPROVAL_TOO_LONG,
    `the approval request is ${text.length} characters in ${target.platform}'s format, more than the ${limit} ` +
      `a ${target.platform} approval message with ${target.mode === 'button' ? 'buttons' : 'reactions'} holds; it is never posted cut`,
    { details: { platform: target.platform, mode: target.mode, length: text.length, limit } },
  );
}

/**
 * What a decided request's message says: its `text` when that fits `limit` once `render`ed, else
 * its `summary` (the id and the outcome), cut by `cut` only if even that does not fit. A close
 * may be cut, as the request is decided before it is closed and nothing on it counts as a vote
 * any more; but the whole text cut would lose the outcome, its last line.
 */
export function closedApprovalText(
  request: Pick<ApprovalCloseMessage, 'text' | 'summary'>,
  render: (markdown: string) => string,
  limit: number,
  cut: (text: string, limit: number) => string,
): string {
  const full = render(request.text);
  if (full.length <= limit) return full;
  const summary = render(request.summary);
  return summary.length <= limit ? summary : cut(summary, limit);
}
