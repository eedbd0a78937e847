import path from 'node:path';
import type { InboundMessage } from '@aof/api';
import { formatProblem, loadConfig } from '../config/load-config.js';
import { offlineRouter } from '../daemon/offline-router.js';
import type { CandidateExplanation, RouteDecision } from '../router/flow-router.js';
import { adminRequest, adminTarget } from './admin-client.js';
import { type CliIo, parseFlags, UsageError } from './io.js';

/** The JSON shape of a routing explanation, shared with the admin API. */
export interface DecisionJson {
  flow: string | null;
  agent: string | null;
  score: number;
  matched: string[];
  fallback: boolean;
  dropped: boolean;
  text: string;
  candidates: CandidateExplanation[];
}

export function decisionJson(decision: RouteDecision): DecisionJson {
  return {
    flow: decision.flow?.flow.metadata.name ?? null,
    agent: decision.agent,
    score: decision.score,
    matched: decision.matched,
    fallback: decision.fallback,
    dropped: decision.dropped,
    text: decision.text,
    candidates: decision.candidates ?? [],
  };
}

/** The message `aofctl route` and the admin API's POST route ask about. */
export interface RouteProbe {
  platform: string;
  channel?: string;
  user?: string;
  event?: string;
  text: string;
  /** Only these flows may take it, as a platform says of a message its flows' own credentials verified (`InboundMessage.flows`). */
  flows?: string[];
}

export function probeMessage(probe: RouteProbe): InboundMessage {
  const channel = probe.channel?.replace(/^#/, '');
  return {
    id: 'route-probe',
    platform: probe.platform.toLowerCase(),
    channel: { id: channel ?? '', ...(channel !== undefined && { name: channel }) },
    user: { id: probe.user ?? '' },
    text: probe.text,
    kind: 'message',
    ...(probe.event !== undefined && { event: probe.event }),
    ...(probe.flows !== undefined && { flows: probe.flows }),
    receivedAt: Date.now(),
  };
}

/**
 * `aofctl route`: which flow and agent a message would reach, and why every other flow did not;
 * from the config files (`--config`) or from a running daemon's admin API (`--server`).
 */
export async function routeCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    config: { type: 'string', short: 'c' },
    'flows-dir': { type: 'string' },
    server: { type: 'string' },
    token: { type: 'string' },
    platform: { type: 'string' },
    channel: { type: 'string' },
    user: { type: 'string' },
    event: { type: 'string' },
    text: { type: 'string' },
    flows: { type: 'string' },
    output: { type: 'string', short: 'o', default: 'text' },
  });
  if (!values.config === !values.server) throw new UsageError('give either --config FILE or --server URL');
  if (!values.platform) throw new UsageError('--platform is required');
  if (values.text === undefined) throw new UsageError('--text is required');
  if (values.output !== 'text' && values.output !== 'json') throw new UsageError('--output must be text or json');
  const probe: RouteProbe = {
    platform: values.platform,
    text: values.text,
    ...(values.channel !== undefined && { channel: values.channel }),
    ...(values.user !== undefined && { user: values.user }),
    ...(values.event !== undefined && { event: values.event }),
    ...(values.flows !== undefined && { flows: values.flows.split(',').map((name) => name.trim()).filter((name) => name !== '') }),
  };

  let decision: DecisionJson;
  if (values.server) {
    decision = await adminRequest<DecisionJson>(adminTarget(values.server, values.token, io), 'POST', 'route', probe);
  } else {
    const config = await loadConfig(path.resolve(io.cwd, values.config ?? ''), {
      env: io.env,
      flowsDir: values['flows-dir'] && path.resolve(io.cwd, values['flows-dir']),
    });
    for (const problem of config.problems.filter((p) => p.severity === 'error')) io.err(formatProblem(problem));
    const router = await offlineRouter(config, io.env);
    decision = decisionJson(router.routeBest(probeMessage(probe), { explain: true }));
  }
  // A misspelt name would silently leave no candidate and look like a routing result.
  const known = new Set(decision.candidates.map((candidate) => candidate.flow));
  for (const name of probe.flows ?? []) {
    if (!known.has(name)) io.err(`warning: --flows names "${name}", which is not a loaded flow`);
  }
  io.out(values.output === 'json' ? JSON.stringify(decision, null, 2) : formatDecision(decision));
  return 0;
}

function formatDecision(decision: DecisionJson): string {
  const lines: string[] = [];
  if (decision.flow) {
    lines.push(`flow:  ${decision.flow} (score ${decision.score}: ${decision.matched.join(' + ')})`);
  } else if (decision.fallback) {
    lines.push('flow:  none matched; routing.default_agent answers');
  } else if (decision.dropped) {
    lines.push('flow:  none matched; dropped (routing.strict_mode)');
  } else {
    lines.push('flow:  none matched and no routing.default_agent');
  }
  lines.push(`agent: ${decision.agent ?? '-'}`, '', 'candidates:');
  for (const c of decision.candidates) {
    const verdict = c.excluded_by ? `excluded by ${c.excluded_by}` : `score ${c.score} (${c.matched.join(' + ')})`;
    lines.push(`  ${c.flow.padEnd(32)} ${verdict}`);
  }
  return lines.join('\n');
}
