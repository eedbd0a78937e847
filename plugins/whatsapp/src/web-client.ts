/**
 * The parts of whatsapp-web.js the plugin uses, declared here rather than imported: the package is
 * optional, so nothing in the plugin may need it to compile, and tests stand in a fake for it.
 */
export interface WebMessageId {
  /** `<fromMe>_<chat>_<id>`, what sendMessage's `quotedMessageId` and sendReaction take. */
  _serialized: string;
  fromMe: boolean;
  /** The chat the message is in: a serialized id, or a wid object in some versions. */
  remote?: string | { _serialized?: string };
}

export interface WebMessage {
  id: WebMessageId;
  /** The chat: a person (`<number>@c.us`) or a group (`<id>@g.us`). */
  from: string;
  /** In a group, the person who wrote. */
  author?: string;
  body: string;
  /** `chat` for text. */
  type: string;
  /** Epoch seconds. */
  timestamp: number;
  fromMe: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  hasQuotedMsg?: boolean;
  mentionedIds?: readonly unknown[];
  getQuotedMessage?(): Promise<{ id: WebMessageId } | undefined>;
  /** WhatsApp Web's own message model (plain data); `notifyName` is the sender's profile name. */
  _data?: unknown;
}

export interface WebReaction {
  /** The reaction's own id. */
  id: WebMessageId;
  /** The message reacted to. */
  msgId: WebMessageId;
  /** The emoji; empty when the reaction was removed. */
  reaction: string;
  senderId: string;
  timestamp: number;
}

export interface WebChat {
  name?: string;
  isGroup?: boolean;
}

export interface WebClient {
  /** Set once the client is ready: the linked account. */
  info?: { wid?: { user?: string; _serialized?: string } };
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'ready' | 'authenticated', listener: () => void): unknown;
  on(event: 'disconnected' | 'auth_failure', listener: (reason: string) => void): unknown;
  on(event: 'message', listener: (message: WebMessage) => void): unknown;
  on(event: 'message_reaction', listener: (reaction: WebReaction) => void): unknown;
  initialize(): Promise<unknown>;
  destroy(): Promise<unknown>;
  sendMessage(chatId: string, content: string, options?: { quotedMessageId?: string; linkPreview?: boolean }): Promise<{ id: WebMessageId }>;
  sendReaction(messageId: string, reaction: string): Promise<unknown>;
  getChatById(chatId: string): Promise<WebChat>;
}

/** Builds a fresh client: one per connection, since whatsapp-web.js destroys a client that disconnects. */
export type WebClientFactory = () => WebClient;
