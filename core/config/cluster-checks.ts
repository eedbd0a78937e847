import { ErrorCode, type DaemonConfig } from '@aof/api';
import { problemAt, type ConfigProblem } from './problems.js';
import type { YamlDocument } from './yaml-documents.js';

const NOT_SHARED = 'each node runs the tasks of the messages it receives; cluster mode shares dedupe, limits, approvals and memory through Redis, not tasks';

/** Platform modes that hold the platform's one connection: a second node would fight the first. */
const ONE_NODE_MODES: ReadonlyArray<{ platform: string; mode: string; why: string }> = [
  { platform: 'telegram', mode: 'polling', why: 'Telegram answers a second poller with 409 Conflict; run polling on one node only, or use mode: webhook' },
  { platform: 'whatsapp', mode: 'web', why: 'a WhatsApp Web session belongs to one browser; run it on one node only, or use mode: cloud' },
];

/** Built-in stores that keep state in one node: named in cluster mode, they replace store-redis. */
const NODE_LOCAL_STORES = new Set(['store-memory', '@aof/plugin-store-memory', 'store-file', '@aof/plugin-store-file']);

/**
 * Scale-out settings the daemon does not honour as written: the seed's distributed task queue
 * (`runtime.distributed`, `runtime.task_queue: redis`) is not built; in cluster mode a platform
 * mode that allows one connection cannot run on every node, and a node-local store named in
 * `plugins:` would keep each node's state to itself. Said at load, so nobody deploys believing
 * otherwise.
 */
export function clusterProblems(daemon: DaemonConfig, yaml: YamlDocument): ConfigProblem[] {
  const { runtime, server, platforms } = daemon.spec;
  const warn = (path: Array<string | number>, message: string): ConfigProblem => problemAt(yaml)('warning', ErrorCode.CONFIG_INVALID, path, message);
  const problems: ConfigProblem[] = [];
  if (runtime?.distributed === true) problems.push(warn(['spec', 'runtime', 'distributed'], `runtime.distributed is not built yet: ${NOT_SHARED}`));
  if (runtime?.task_queue === 'redis') problems.push(warn(['spec', 'runtime', 'task_queue'], `runtime.task_queue: redis is not built yet: ${NOT_SHARED}`));
  if (server.cluster_mode !== true) return problems;
  daemon.spec.plugins.forEach((entry, index) => {
    if (entry.enabled === false || !NODE_LOCAL_STORES.has(entry.use)) return;
    problems.push(warn(['spec', 'plugins', index], `${entry.use} keeps state on each node alone, so in cluster mode the nodes would not share dedupe, limits or approvals; `
      + 'remove it to use store-redis at server.redis_url'));
  });
  for (const { platform, mode, why } of ONE_NODE_MODES) {
    const block = platforms[platform];
    if (block?.enabled !== false && block?.mode === mode) {
      problems.push(warn(['spec', 'platforms', platform, 'mode'], `${platform} mode: ${mode} in cluster mode: ${why}`));
    }
  }
  return problems;
}
