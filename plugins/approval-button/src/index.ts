import { APPROVAL_ACTION_IDS, definePlugin, pluginRef, type ApprovalInstance } from '@aof/api';

const deps = { commands: pluginRef<ApprovalInstance>('approval-command') };

/**
 * The `button` strategy: the approval message carries Approve and Deny buttons (Slack, Discord,
 * Telegram and WhatsApp all post them with the same action ids). A click counts only when the
 * button carries this request's id; typed commands are read by the `command` strategy.
 */
export const plugin = definePlugin<'approval', Record<string, never>, typeof deps>({
  name: 'approval-button',
  kind: 'approval',
  deps,
  init: ({ deps: { commands } }) => ({
    strategy: 'button',
    mode: 'button',
    interpret(event, context) {
      if (event.kind !== 'button') return commands.interpret(event, context);
      if (event.action?.value !== context.request.id) return undefined;
      if (event.action.id === APPROVAL_ACTION_IDS.approve) return 'approve';
      return event.action.id === APPROVAL_ACTION_IDS.deny ? 'deny' : undefined;
    },
  }),
});

export default plugin;
