/**
 * What approvers see of the body a call sends (an http POST's): an approval of `http POST <url>`
 * approves what goes with it, so it is shown, masked like the rest of the request, and cut to a
 * size a chat message holds. When it had to be cut the request says so, and that all of it is sent.
 */
import type { CallBody } from '../../sandbox/protocol.js';

/** Characters and lines shown at most: a chat message must still fit the rest of the request. */
export const MAX_BODY_CHARS = 1_500;
export const MAX_BODY_LINES = 40;

export interface ShownBody {
  json: boolean;
  /** The body as shown: masked, JSON indented, cut to the limits. */
  text: string;
  /** Characters of the whole body as shown (masked, indented); more than `text` has when it was cut. */
  length: number;
}

/** Masked before it is cut, so a cut cannot leave part of a secret showing. */
export function shownBody(body: CallBody, scrub: (text: string) => string): ShownBody {
  const whole = scrub(body.json ? indented(body.text) : body.text);
  let end = Math.min(whole.length, MAX_BODY_CHARS);
  let newline = -1;
  for (let line = 0; line < MAX_BODY_LINES; line += 1) {
    newline = whole.indexOf('\n', newline + 1);
    if (newline === -1) break;
  }
  if (newline !== -1) end = Math.min(end, newline);
  // Never half a surrogate pair.
  if (end < whole.length && /[\uD800-\uDBFF]/.test(whole.charAt(end - 1))) end -= 1;
  return { json: body.json, text: whole.slice(0, end), length: whole.length };
}

/** The body's lines in a request: a heading that says whether it was cut, then a code block. */
export function bodyLines(body: ShownBody): string[] {
  const kind = body.json ? 'JSON' : 'text';
  if (body.length === 0) return [`Sends an empty ${kind} body.`];
  const heading = body.text.length < body.length
    ? `⚠️ Sends a ${kind} body too long to show whole: only the first ${body.text.length} of its ${body.length} characters are below, and all of it will be sent.`
    : `Sends this ${kind} body:`;
  // A run of three backticks inside would end the code block and let the body format the request.
  return [heading, '```', body.text.replace(/`{3,}/g, (run) => [...run].join('\u200B')), '```'];
}

function indented(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}
