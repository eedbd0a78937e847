import { TtlCache } from './ttl-cache.js';

const TOPIC_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Which threads are forum topics. Both a topic and a reply chain arrive as one number, but only
 * a topic may be posted to with message_thread_id (elsewhere Telegram answers "message thread
 * not found"). Unknown threads, say after a restart, are answered as replies to their root
 * message, which Telegram places in that message's topic, so a miss costs no reply.
 */
export class ForumTopics {
  readonly #topics = new TtlCache<true>({ maxEntries: 10_000 });

  remember(chatId: string, thread: string): void {
    this.#topics.set(`${chatId}:${thread}`, true, TOPIC_TTL_MS);
  }

  has(chatId: string, thread: string): boolean {
    return this.#topics.get(`${chatId}:${thread}`) !== undefined;
  }
}
