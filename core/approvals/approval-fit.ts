/**
 * Requests that cannot be shown whole: a request is never posted cut (the hidden part would run
 * on approval). A command too long for any platform's request is refused before anything is
 * posted; a request a platform refuses as too long for its message is not posted either. Either
 * way the requester is told why, and nothing runs.
 */
import { ErrorCode, isAofError } from '@aof/api';

/**
 * The most characters a command may have, as approvers see it (masked), for a request to be made.
 * It leaves room for the rest of a request in the smallest approval message, the 1,024 characters
 * of a WhatsApp Cloud button message: the id, where and why, who asked, a few approvers, the
 * expiry and how to answer take about 460 more. Where a platform escapes characters (Slack and
 * Telegram send `&` as `&amp;`), five times as many still fit Slack's 3,000 with buttons. A longer
 * request (a long approver list, an http body) is left to the platform to refuse.
 */
export const MAX_SHOWN_COMMAND_CHARS = 500;
/** How much of a refused command its answer quotes, to say which one it was. */
const QUOTED_CHARS = 60;

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

/** The answer to a call whose command is too long to show whole; `command` is masked. */
export function commandTooLongText(command: string): string {
  return `\`${start(command)}\` needs an approval, but the command is ${command.length} characters long, more than the ` +
    `${MAX_SHOWN_COMMAND_CHARS} an approval request shows whole, so no request was made and nothing was run. ` +
    'Split it into shorter commands (fewer names each) and ask for each.';
}

/** The command's first words, with `…` for the rest; never half a surrogate pair. */
function start(command: string): string {
  if (command.length <= QUOTED_CHARS) return command;
  let end = command.lastIndexOf(' ', QUOTED_CHARS);
  if (end <= 0) end = /[\uD800-\uDBFF]/.test(command.charAt(QUOTED_CHARS - 1)) ? QUOTED_CHARS - 1 : QUOTED_CHARS;
  return `${command.slice(0, end)} …`;
}
