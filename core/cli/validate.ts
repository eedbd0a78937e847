import path from 'node:path';
import { formatProblem, hasErrors, loadConfig, loadResourceFiles, type ConfigProblem } from '../config/load-config.js';
import { type CliIo, parseFlags, UsageError } from './io.js';

/** `aofctl validate`: prints every problem; exit 0 when there is no error (warnings allowed), else 1. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, { config: { type: 'string', short: 'c' } }, true);
  if (!values.config && positionals.length === 0) throw new UsageError('give --config FILE or the flow/agent files to check');

  let problems: ConfigProblem[];
  let summary: string;
  if (values.config) {
    const config = await loadConfig(path.resolve(io.cwd, values.config), { env: io.env });
    problems = config.problems;
    const active = config.flows.filter((f) => f.active).length;
    summary = `${config.flows.length} flows (${active} active), ${config.agents.length} agents`;
    for (const flow of config.flows.filter((f) => !f.active)) {
      io.out(`${flow.source.file}:${flow.source.line}: info: flow ${flow.flow.metadata.name} is inactive: ${flow.inactiveReason ?? 'unknown reason'}`);
    }
  } else {
    const loaded = await loadResourceFiles(positionals.map((p) => path.resolve(io.cwd, p)), { env: io.env });
    problems = loaded.problems;
    summary = `${loaded.flows.length} flows, ${loaded.agents.length} agents`;
  }

  for (const problem of problems) io.out(formatProblem(problem));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (hasErrors(problems)) {
    io.out(`invalid: ${errors} error(s), ${warnings} warning(s); ${summary}`);
    return 1;
  }
  io.out(`valid: ${summary}${warnings > 0 ? `, ${warnings} warning(s)` : ''}`);
  return 0;
}
