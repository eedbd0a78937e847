import { record, text, type Fields } from './fields.js';

/** What Slack delivers, over HTTP or Socket Mode, once its transport wrapping is removed. */
export type SlackDelivery =
  /** Events API envelope (`event_callback`). */
  | { type: 'event'; body: Fields }
  /** Interactivity payload (block_actions, view_submission, ...). */
  | { type: 'interaction'; body: Fields }
  /** Slash command fields. */
  | { type: 'command'; body: Readonly<Record<string, string>> };

export type ParsedRequest = SlackDelivery | { type: 'url_verification'; challenge: string };

/**
 * Parses a request body that has already passed signature verification. Events come as JSON;
 * interactivity as a form whose `payload` field holds JSON; slash commands as a plain form.
 * Returns undefined for a body that is none of these.
 */
export function parseSlackRequest(contentType: string | undefined, rawBody: Buffer): ParsedRequest | undefined {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(rawBody.toString('utf8'));
    const payload = form.get('payload');
    if (payload === null) return { type: 'command', body: Object.fromEntries(form) };
    const body = parseJson(payload);
    return body === undefined ? undefined : { type: 'interaction', body };
  }
  const body = parseJson(rawBody.toString('utf8'));
  if (body === undefined) return undefined;
  if (body.type === 'url_verification') {
    const challenge = text(body.challenge);
    return challenge === undefined ? undefined : { type: 'url_verification', challenge };
  }
  return { type: 'event', body };
}

function parseJson(source: string): Fields | undefined {
  try {
    return record(JSON.parse(source));
  } catch {
    return undefined;
  }
}
