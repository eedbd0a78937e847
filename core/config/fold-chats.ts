import type { AgentFlow } from '@aof/api';

/**
 * `chats` is Telegram's word for `channels` (chat ids, titles, @usernames). Loading folds it into
 * `channels`, so the router, scorers and plugins read one filter: a flow written with `chats:`
 * alone would otherwise serve every chat. The checks before this point report each list under
 * its own key, as written.
 */
export function foldChats(flow: AgentFlow): AgentFlow {
  const config = flow.spec.trigger?.config;
  const chats = config?.chats;
  // The schema has already refused anything but lists of strings (null included).
  if (config === undefined || chats === undefined) return flow;
  const channels = config.channels === undefined ? chats : [...config.channels, ...chats];
  return { ...flow, spec: { ...flow.spec, trigger: { ...flow.spec.trigger, config: { ...config, channels } } } };
}
