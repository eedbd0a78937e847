/**
 * Requests that cannot be shown whole: a request is never posted cut (the hidden part would run
 * on approval), so when a platform refuses one as too long for a message, the requester is told
 * that and why, and nothing runs.
 */
import { ErrorCode, isAofError } from '@aof/api';

/** What a platform said about a request it refused as too long (`wholeApprovalText`'s details). */
export interface TooLongToPost {
  platform: string;
  mode: string;
  length: number;
  limit: number;
}

/** The details of an `AOF_ERR_APPROVAL_TOO_LONG` a platform threw; undefined for any other failure. */
export function tooLongToPost(error: unknown): TooLongToPost | undefined {
  if (!isAofError(error, ErrorCode.APPROVAL_TOO_LONG)) return undefined;
  const { platform, mode, length, limit } = error.details ?? {};
  if (typeof platform !== 'string' || typeof mode !== 'string' || typeof length !== 'number' || typeof limit !== 'number') return undefined;
  return { platform, mode, length, limit };
}

/** The answer to a request that could not be posted; `command` is masked. */
export function notPostedText(command: string, tooLong: TooLongToPost | undefined): string {
  if (tooLong === undefined) return `\`${command}\` needs an approval, but the request could not be posted, so nothing was run.`;
  const holds = `a ${tooLong.platform} approval message with ${tooLong.mode === 'button' ? 'buttons' : 'reactions'}`;
  return `\`${command}\` needs an approval, but the request could not be posted: it is ${tooLong.length} characters in ` +
    `${tooLong.platform}'s format, more than the ${tooLong.limit} ${holds} holds, and a request is never posted cut. Nothing was run.`;
}
