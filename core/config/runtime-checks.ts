import { ErrorCode, type DaemonConfig } from '@aof/api';
import { problemAt, type ConfigProblem } from './problems.js';
import type { YamlDocument } from './yaml-documents.js';

const NOT_SHARED = 'each node runs the tasks of the messages it receives; cluster mode shares dedupe, limits, approvals and memory through Redis, not tasks';

/**
 * The seed's distributed task queue (`runtime.distributed`, `runtime.task_queue: redis`) is not
 * built. Said at load, so nobody deploys believing a busy node hands work to an idle one.
 */
export function unbuiltRuntimeOptions(daemon: DaemonConfig, yaml: YamlDocument): ConfigProblem[] {
  const runtime = daemon.spec.runtime;
  const warn = problemAt(yaml);
  const problems: ConfigProblem[] = [];
  if (runtime?.distributed === true) {
    problems.push(warn('warning', ErrorCode.CONFIG_INVALID, ['spec', 'runtime', 'distributed'], `runtime.distributed is not built yet: ${NOT_SHARED}`));
  }
  if (runtime?.task_queue === 'redis') {
    problems.push(warn('warning', ErrorCode.CONFIG_INVALID, ['spec', 'runtime', 'task_queue'], `runtime.task_queue: redis is not built yet: ${NOT_SHARED}`));
  }
  return problems;
}
