import type { Logger } from '@aof/api';
import { PLATFORM } from './events.js';
import type { ChatNameLookup } from './inbound.js';
import { TtlCache } from './ttl-cache.js';
import { chatJid } from './web-events.js';
import type { WhatsAppWebSession } from './web-session.js';

const NAME_TTL_MS = 10 * 60 * 1000;
/** A failed lookup is retried after this, not on every message. */
const FAILURE_TTL_MS = 60 * 1000;
/** Names only decorate a message; they must never hold one up. */
const LOOKUP_TIMEOUT_MS = 3_000;

/**
 * Group names (the group's subject) let flows say `channels: [production]` in web mode. Cached;
 * any failure leaves the name out and the message goes on. Concurrent lookups share one call.
 */
export function webGroupNames(session: () => WhatsAppWebSession | undefined, logger: Logger): ChatNameLookup {
  const cache = new TtlCache<Promise<string | undefined>>({ maxEntries: 1_000 });
  return (chatId) => {
    const hit = cache.get(chatId);
    if (hit !== undefined) return hit.value;
    const pending = lookup(session(), chatId).catch((error: unknown) => {
      logger.warn({ platform: PLATFORM, error: error instanceof Error ? error.message : String(error) }, 'WhatsApp group name lookup failed; keeping the id');
      return undefined;
    });
    cache.set(chatId, pending, NAME_TTL_MS);
    void pending.then((name) => {
      if (name === undefined) cache.set(chatId, pending, FAILURE_TTL_MS);
    });
    return pending;
  };
}

async function lookup(session: WhatsAppWebSession | undefined, chatId: string): Promise<string | undefined> {
  if (session === undefined) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${LOOKUP_TIMEOUT_MS} ms`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    const chat = await Promise.race([session.ready(LOOKUP_TIMEOUT_MS).then((client) => client.getChatById(chatJid(chatId))), timeout]);
    return typeof chat.name === 'string' && chat.name !== '' ? chat.name : undefined;
  } finally {
    clearTimeout(timer);
  }
}
