import path from 'node:path';
import { AofError, ErrorCode, type Logger } from '@aof/api';
import { formatProblem, type LoadedConfig } from '../config/load-config.js';

/**
 * Boot's verdict on a loaded configuration: errors in the daemon config refuse the start; every
 * other problem is logged (a bad flow file is skipped and the rest serve), and so is every
 * inactive flow with its reason.
 */
export function reportProblems(config: LoadedConfig, logger: Logger): void {
  const daemonFile = path.resolve(config.daemonFile);
  const fatal = config.problems.filter((p) => p.severity === 'error' && path.resolve(p.file) === daemonFile);
  if (fatal.length > 0) {
    throw new AofError(ErrorCode.CONFIG_INVALID, `daemon config is invalid:\n${fatal.map(formatProblem).join('\n')}`);
  }
  for (const problem of config.problems) {
    const fields = { file: problem.file, line: problem.line, path: problem.path, code: problem.code };
    if (problem.severity === 'error') logger.error(fields, formatProblem(problem));
    else logger.warn(fields, formatProblem(problem));
  }
  for (const flow of config.flows.filter((f) => !f.active)) {
    logger.info({ flow: flow.flow.metadata.name, reason: flow.inactiveReason }, 'flow is inactive');
  }
}
