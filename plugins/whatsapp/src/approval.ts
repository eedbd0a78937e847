import { APPROVAL_ACTION_IDS } from '@aof/api';

/**
 * WhatsApp reactions are the emoji themselves. The first of each list is the one the bot adds;
 * the others also count, compared after `reactionName` has dropped skin tones and variation selectors.
 */
export const APPROVAL_REACTIONS = { approve: ['✅', '👍', '✔'], deny: ['❌', '👎'] } as const;

/** Reply-button ids may hold 256 characters: the action and the approval id travel together. */
export function approvalButtonId(action: string, approvalId: string): string {
  return `${action}:${approvalId}`;
}

/**
 * A tapped reply button as `InboundMessage.action`: the bot's own approval buttons are split
 * back into action and approval id; any other button id is passed on whole.
 */
export function buttonAction(buttonId: string, messageId: string | undefined): { id: string; value?: string; messageId?: string } {
  const message = messageId === undefined ? {} : { messageId };
  for (const action of [APPROVAL_ACTION_IDS.approve, APPROVAL_ACTION_IDS.deny]) {
    if (buttonId.startsWith(`${action}:`) && buttonId.length > action.length + 1) {
      return { id: action, value: buttonId.slice(action.length + 1), ...message };
    }
  }
  return { id: buttonId, ...message };
}

/** 👍🏽 counts as 👍 and ✔️ as ✔: skin-tone modifiers and emoji presentation selectors are dropped. */
export function reactionName(emoji: string): string {
  // Alternation, not a character class: the modifiers combine with the emoji before them.
  return emoji.replace(/\u{1F3FB}|\u{1F3FC}|\u{1F3FD}|\u{1F3FE}|\u{1F3FF}|\u{FE0F}/gu, '');
}
