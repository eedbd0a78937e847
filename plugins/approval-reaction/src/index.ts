import { definePlugin, pluginRef, type ApprovalInstance } from '@aof/api';

export interface ReactionStrategyConfig {
  /** Reaction names that approve, besides the platform's own (`PlatformInstance.approvalReactions`). */
  approve: string[];
  /** Reaction names that deny, besides the platform's own. */
  deny: string[];
}

/** Slack-style names and the emoji themselves (platforms such as Telegram and Discord report the character). */
export const DEFAULT_REACTIONS: ReactionStrategyConfig = {
  approve: ['white_check_mark', 'heavy_check_mark', '+1', '✅', '✔️', '👍'],
  deny: ['x', 'no_entry', '-1', '❌', '⛔', '👎'],
};

const list = (defaults: string[]): Record<string, unknown> => ({ type: 'array', items: { type: 'string', minLength: 1 }, default: defaults });

/** `+1::skin-tone-2` is still `+1`; `:x:` is `x`. */
function reactionName(name: string): string {
  return name.split('::')[0]?.replace(/^:|:$/g, '') ?? name;
}

const deps = { buttons: pluginRef<ApprovalInstance>('approval-button') };

/**
 * The `reaction` strategy, the default: the platform posts the request and adds ✅ and ❌; an
 * approve reaction approves, a deny reaction denies, and removing an approve reaction withdraws
 * it. Buttons (where the platform posted those instead) and typed commands are read by the
 * `button` and `command` strategies.
 */
export const plugin = definePlugin<'approval', ReactionStrategyConfig, typeof deps>({
  name: 'approval-reaction',
  kind: 'approval',
  configSchema: {
    type: 'object',
    properties: { approve: list(DEFAULT_REACTIONS.approve), deny: list(DEFAULT_REACTIONS.deny) },
    additionalProperties: false,
  },
  deps,
  init: ({ config, deps: { buttons } }) => ({
    strategy: 'reaction',
    mode: 'reaction',
    interpret(event, context) {
      if (event.kind !== 'reaction' || event.reaction === undefined) return buttons.interpret(event, context);
      const name = reactionName(event.reaction.name);
      const own = context.platformReactions;
      if ([...(config.approve ?? DEFAULT_REACTIONS.approve), ...(own?.approve ?? [])].includes(name)) {
        return event.reaction.removed === true ? 'withdraw' : 'approve';
      }
      // Taking a deny back changes nothing: the deny already ended the request.
      const denies = [...(config.deny ?? DEFAULT_REACTIONS.deny), ...(own?.deny ?? [])].includes(name);
      return denies && event.reaction.removed !== true ? 'deny' : undefined;
    },
  }),
});

export default plugin;
