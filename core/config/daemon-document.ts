import { readFile } from 'node:fs/promises';
import { AofError, ErrorCode, type DaemonConfig, type PluginEntry } from '@aof/api';
import { likelyTypos } from './document-checks.js';
import { isRecord, missingVariableProblem, prepareDocument } from './prepare-document.js';
import { problemAt, type ConfigProblem } from './problems.js';
import { clusterProblems } from './cluster-checks.js';
import { schemaValidators } from './schemas.js';
import type { Env } from './substitute-env.js';
import { validateSchema } from './validate-schema.js';
import { documentStart, parseYamlDocuments, type YamlDocument } from './yaml-documents.js';
import type { YamlPath } from './yaml-paths.js';

export interface DaemonDocument {
  /** Defaults applied. When `problems` has errors it is a best effort: use it to report, not to serve. */
  daemon: DaemonConfig;
  yaml: YamlDocument | undefined;
  /** Where the default agent was written, for pointing at it when it names no agent. */
  defaultAgentPath: YamlPath;
  problems: ConfigProblem[];
}

/** Throws only when the file cannot be read; everything wrong inside it becomes a problem. */
export async function readDaemonDocument(file: string, env: Env): Promise<DaemonDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'unknown error'})`;
    throw new AofError(ErrorCode.CONFIG_NOT_FOUND, `daemon config ${file} ${reason}`, { details: { file }, cause: error });
  }
  const parsed = parseYamlDocuments(file, text);
  const problems = [...parsed.problems];
  const [yaml, ...extra] = parsed.documents;
  for (const other of extra) {
    problems.push({ severity: 'warning', code: ErrorCode.CONFIG_INVALID, message: 'the daemon config file holds one DaemonConfig; this document is ignored (put flows and agents in their directories)', file, ...documentStart(other) });
  }
  const fallback = { daemon: defaultDaemonConfig(), yaml, defaultAgentPath: ['spec', 'routing', 'default_agent'], problems };
  if (!yaml) {
    if (parsed.problems.length === 0) problems.push({ severity: 'error', code: ErrorCode.CONFIG_INVALID, message: 'the file holds no DaemonConfig document', file });
    return fallback;
  }

  const doc = prepareDocument(yaml, env);
  problems.push(...doc.problems, ...doc.missing.map((variable) => missingVariableProblem(yaml, variable)));
  const data = doc.data;
  if (!isRecord(data)) return fallback;
  if (doc.kind !== 'DaemonConfig') {
    const got = doc.kind === undefined ? 'no kind' : `kind ${doc.kind}`;
    problems.push(problemAt(yaml)('error', ErrorCode.CONFIG_INVALID, ['kind'], `expected kind DaemonConfig, got ${got}`));
    return fallback;
  }
  const aliased = moveDefaultAgentAlias(data, yaml, problems);
  const schema = validateSchema('DaemonConfig', data, yaml, doc.redactor);
  problems.push(...schema.problems);
  if (!isRecord(data.spec)) return fallback;
  const daemon = data as unknown as DaemonConfig;
  // `enabeld: false` would otherwise leave a platform on without a word.
  for (const [name, block] of Object.entries(isRecord(daemon.spec.platforms) ? daemon.spec.platforms : {})) {
    if (isRecord(block)) problems.push(...likelyTypos(yaml, block, ['spec', 'platforms', name], ['enabled']));
  }
  if (schema.valid) {
    daemon.spec.plugins = daemon.spec.plugins.map(normalizePlugin);
    daemon.spec.platforms = lowerCasePlatforms(daemon.spec.platforms, yaml, problems);
    problems.push(...clusterProblems(daemon, yaml));
  }
  return { daemon, yaml, defaultAgentPath: aliased ?? fallback.defaultAgentPath, problems };
}

/** The configuration of a daemon file that says nothing: every default from the schema. */
export function defaultDaemonConfig(): DaemonConfig {
  const data = { apiVersion: 'aof.dev/v1', kind: 'DaemonConfig', spec: {} };
  schemaValidators().DaemonConfig.validate(data);
  return data as unknown as DaemonConfig;
}

/**
 * AOF's own daemon configs put the fallback agent at runtime.default_agent; it is read as
 * routing.default_agent so those files keep working. Returns the alias's path when it was used.
 */
function moveDefaultAgentAlias(data: Record<string, unknown>, yaml: YamlDocument, problems: ConfigProblem[]): YamlPath | undefined {
  const spec = data.spec;
  if (!isRecord(spec) || !isRecord(spec.runtime) || !('default_agent' in spec.runtime)) return undefined;
  const runtime = spec.runtime;
  const alias = runtime.default_agent;
  delete runtime.default_agent;
  const path = ['spec', 'runtime', 'default_agent'];
  const warn = problemAt(yaml, 'key');
  spec.routing ??= {};
  if (isRecord(spec.routing) && spec.routing.default_agent === undefined) {
    spec.routing.default_agent = alias;
    problems.push(warn('warning', ErrorCode.CONFIG_INVALID, path, 'runtime.default_agent is read as routing.default_agent; move it there'));
    return path;
  }
  problems.push(warn('warning', ErrorCode.CONFIG_INVALID, path, 'runtime.default_agent is ignored: routing.default_agent is set'));
  return undefined;
}

/** Platform names are matched lower-case everywhere (`trigger.type: Slack` is `slack`), so the blocks are keyed that way too. */
function lowerCasePlatforms(platforms: DaemonConfig['spec']['platforms'], yaml: YamlDocument, problems: ConfigProblem[]): DaemonConfig['spec']['platforms'] {
  const out: DaemonConfig['spec']['platforms'] = {};
  for (const [name, block] of Object.entries(platforms)) {
    if (out[name.toLowerCase()] === undefined) out[name.toLowerCase()] = block;
    else problems.push(problemAt(yaml, 'key')('error', ErrorCode.CONFIG_DUPLICATE, ['spec', 'platforms', name], `platform ${name.toLowerCase()} is configured twice (names are not case-sensitive)`));
  }
  return out;
}

function normalizePlugin(entry: PluginEntry | string): PluginEntry {
  return typeof entry === 'string' ? { use: entry, enabled: true } : entry;
}
