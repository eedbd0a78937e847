import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isAofError, type AofError } from '@aof/api';
import { adminSettings } from '../admin/admin-settings.js';
import { readDaemonDocument } from '../config/daemon-document.js';
import { formatProblem, hasErrors, loadConfig, loadResourceFiles, type ConfigProblem, type LoadedConfig } from '../config/load-config.js';
import { problemAt } from '../config/problems.js';
import { parseYamlDocuments } from '../config/yaml-documents.js';
import type { YamlPath } from '../config/yaml-paths.js';
import { pluginSpecs } from '../daemon/plugin-specs.js';
import { Kernel } from '../kernel/kernel.js';
import { type CliIo, parseFlags, UsageError } from './io.js';

/**
 * `aofctl validate`: prints every problem; exit 0 when there is no error (warnings allowed), else 1.
 * With --config it also checks what `serve` refuses before it starts (the plugins it would load:
 * found, config accepted by their schema, dependencies present; an admin API without a token):
 * a config that validates starts. A lone file holding a DaemonConfig is checked as --config.
 */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, { config: { type: 'string', short: 'c' } }, true);
  if (!values.config && positionals.length === 0) throw new UsageError('give --config FILE or the flow/agent files to check');
  if (!values.config) {
    const daemonFiles = await filesHoldingDaemonConfig(positionals.map((p) => path.resolve(io.cwd, p)));
    if (daemonFiles.length > 0 && positionals.length > 1) {
      throw new UsageError(`${daemonFiles.join(', ')} holds a DaemonConfig: check it alone with --config FILE, which finds its flows and agents`);
    }
    if (daemonFiles.length === 1) values.config = positionals[0];
  }

  let problems: ConfigProblem[];
  let summary: string;
  if (values.config) {
    const config = await loadConfig(path.resolve(io.cwd, values.config), { env: io.env });
    problems = [...config.problems, ...await serveProblems(config, io.env)];
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

/**
 * What `serve` would refuse before it starts. A plugin's problem is placed at the entry whose
 * `use` names it (a `plugins` item, or a `platforms` block; built-ins the config does not name
 * are reported at the file), the admin API's at `spec.admin`. The daemon file is read again for
 * positions only when there is something to report.
 */
async function serveProblems(config: LoadedConfig, env: CliIo['env']): Promise<ConfigProblem[]> {
  const entries = config.daemon.spec.plugins.map((entry) => (typeof entry === 'string' ? entry : entry.use));
  const pathOf = (use: string | undefined): YamlPath | undefined => {
    if (use === undefined) return undefined;
    const index = entries.indexOf(use);
    if (index >= 0) return ['spec', 'plugins', index];
    return config.enabledPlatforms.includes(use) ? ['spec', 'platforms', use] : undefined;
  };
  const found: Array<{ error: AofError; path: YamlPath | undefined }> = (await Kernel.check({
    plugins: pluginSpecs(config, { platforms: true, clusterStore: true, env }),
    baseDir: config.baseDir,
  })).map(({ error, use }) => ({ error, path: pathOf(use) }));
  try {
    adminSettings(config.daemon.spec, env);
  } catch (error) {
    if (!isAofError(error)) throw error;
    found.push({ error, path: ['spec', 'admin'] });
  }
  if (found.length === 0) return [];
  const { yaml } = await readDaemonDocument(config.daemonFile, env);
  return found.map(({ error, path }): ConfigProblem => {
    if (path !== undefined && yaml !== undefined) return problemAt(yaml, 'key')('error', error.code, path, error.message);
    return { severity: 'error', code: error.code, message: error.message, file: config.daemonFile };
  });
}

/** The files among these whose YAML holds a DaemonConfig document (unreadable ones are left to the loader to report). */
async function filesHoldingDaemonConfig(files: readonly string[]): Promise<string[]> {
  const holding: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    if (parseYamlDocuments(file, text).documents.some((yaml) => yaml.doc.get('kind') === 'DaemonConfig')) holding.push(file);
  }
  return holding;
}
