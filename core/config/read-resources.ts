import { ErrorCode, type Agent, type AgentFlow, type SourceLocation } from '@aof/api';
import { checkAgentDocument, checkFlowDocument, triggerConfigTypos } from './document-checks.js';
import { flowPlatform, type PlatformTable } from './platforms.js';
import { missingVariableProblem, prepareDocument, type PreparedDocument } from './prepare-document.js';
import { hasErrors, type ConfigProblem } from './problems.js';
import { readTextFiles } from './read-text-files.js';
import { shownEnvName } from './secrets.js';
import type { Env } from './substitute-env.js';
import { resolveTriggerEnv } from './trigger-env.js';
import { validateSchema } from './validate-schema.js';
import { documentStart, parseYamlDocuments, type YamlDocument } from './yaml-documents.js';
import { formatPath } from './yaml-paths.js';

/** A valid flow document, still holding its YAML so later checks can point into it. */
export interface FlowDocument {
  flow: AgentFlow;
  yaml: YamlDocument;
  source: SourceLocation;
  active: boolean;
  inactiveReason?: string;
}

export interface AgentDocument {
  agent: Agent;
  yaml: YamlDocument;
  source: SourceLocation;
}

export interface ReadResources {
  flows: FlowDocument[];
  agents: AgentDocument[];
  problems: ConfigProblem[];
}

export interface ReadContext {
  env: Env;
  platforms: PlatformTable;
}

/** Reads files in the given order; a file or document that fails is reported and skipped. */
export async function readResources(files: readonly string[], context: ReadContext): Promise<ReadResources> {
  const result: ReadResources = { flows: [], agents: [], problems: [] };
  const texts = await readTextFiles(files);
  files.forEach((file, i) => {
    const text = texts[i];
    if (typeof text !== 'string') {
      const reason = text?.code === 'ENOENT' ? 'file does not exist' : `cannot read file: ${text?.code ?? 'unknown error'}`;
      result.problems.push({ severity: 'error', code: ErrorCode.CONFIG_NOT_FOUND, message: reason, file });
      return;
    }
    const parsed = parseYamlDocuments(file, text);
    result.problems.push(...parsed.problems);
    for (const yaml of parsed.documents) readDocument(prepareDocument(yaml, context.env), context, result);
  });
  return result;
}

function readDocument(doc: PreparedDocument, context: ReadContext, out: ReadResources): void {
  out.problems.push(...inDocument(doc.yaml, doc.problems));
  if (!doc.isMap) return;
  const at = { file: doc.yaml.file, ...documentStart(doc.yaml), document: doc.yaml.index };
  switch (doc.kind) {
    case 'AgentFlow':
      return readFlow(doc, context, out);
    case 'Agent':
      return readAgent(doc, out);
    case undefined:
      out.problems.push({ severity: 'error', code: ErrorCode.CONFIG_INVALID, message: 'missing required field "kind" (expected AgentFlow or Agent)', ...at, path: 'kind' });
      return;
    default:
      // Other tools share these directories (AOF itself has more kinds); their documents are not ours.
      out.problems.push({ severity: 'warning', code: ErrorCode.CONFIG_INVALID, message: `kind ${doc.kind} is not loaded from here; document ignored`, ...at, path: 'kind' });
  }
}

/**
 * A flow whose platform is not enabled loads inactive, and then a missing variable is part of
 * why rather than an error: a deployment lists flows for every platform it might run, and only
 * the enabled ones need their secrets.
 */
function readFlow(doc: PreparedDocument, context: ReadContext, out: ReadResources): void {
  const platform = flowPlatform(doc.data);
  const status = platform === undefined ? ({ enabled: true } as const) : context.platforms.status(platform);
  const problems: ConfigProblem[] = [];
  const unsetCredentials = resolveTriggerEnv(doc.data, doc.yaml, context.env);
  let inactiveReason: string | undefined;
  if (status.enabled) {
    problems.push(...doc.missing.map((variable) => missingVariableProblem(doc.yaml, variable)));
    problems.push(...unsetCredentials.map((variable) => ({
      severity: 'error' as const,
      code: ErrorCode.CONFIG_ENV_MISSING,
      message: `environment variable ${shownEnvName(variable.name)} is not set; the flow's own credentials are required, so it is not loaded`,
      file: doc.yaml.file,
      line: variable.line,
      column: variable.column,
      path: formatPath(variable.path),
    })));
  } else {
    inactiveReason = `platform ${platform} is not enabled (${status.why})`;
    const names = [...new Set([...doc.missing, ...unsetCredentials].map((v) => v.name))];
    if (names.length > 0) inactiveReason += `; variable${names.length === 1 ? '' : 's'} ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not set`;
  }
  const schema = validateSchema('AgentFlow', doc.data, doc.yaml, doc.redactor);
  problems.push(...schema.problems, ...triggerConfigTypos(doc.data, doc.yaml));
  const flow = doc.data as AgentFlow;
  if (schema.valid) problems.push(...checkFlowDocument(flow, doc.yaml, doc.redactor));
  out.problems.push(...inDocument(doc.yaml, problems).map((problem) => doc.redactor.masked(problem)));
  if (!schema.valid || hasErrors(problems) || hasErrors(doc.problems)) return;
  out.flows.push({
    flow,
    yaml: doc.yaml,
    source: doc.source,
    active: status.enabled,
    ...(inactiveReason !== undefined && { inactiveReason }),
  });
}

function readAgent(doc: PreparedDocument, out: ReadResources): void {
  const problems = doc.missing.map((variable) => missingVariableProblem(doc.yaml, variable));
  const schema = validateSchema('Agent', doc.data, doc.yaml, doc.redactor);
  problems.push(...schema.problems);
  const agent = doc.data as Agent;
  if (schema.valid) problems.push(...checkAgentDocument(agent, doc.yaml));
  out.problems.push(...inDocument(doc.yaml, problems).map((problem) => doc.redactor.masked(problem)));
  if (schema.valid && !hasErrors(problems) && !hasErrors(doc.problems)) out.agents.push({ agent, yaml: doc.yaml, source: doc.source });
}

/** Says which document of its file a problem is in, so a reload tells the same error in two documents apart. */
function inDocument(yaml: YamlDocument, problems: readonly ConfigProblem[]): ConfigProblem[] {
  return problems.map((problem) => ({ ...problem, document: yaml.index }));
}
