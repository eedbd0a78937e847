import path from 'node:path';
import type { InboundMessage } from '@aof/api';
import { formatProblem, loadConfig } from '../config/load-config.js';
import { offlineRouter } from '../daemon/offline-router.js';
import type { RouteDecision } from '../router/flow-router.js';
import { type CliIo, parseFlags, UsageError } from './io.js';

/** The JSON shape of a routing explanation, shared with the admin API. */
export function decisionJson(decision: RouteDecision): Record<string, unknown> {
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

/** `aofctl route`: which flow and agent a message would reach, and why every other flow did not. */
export async function routeCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    config: { type: 'string', short: 'c' },
    'flows-dir': { type: 'string' },
    platform: { type: 'string' },
    channel: { type: 'string' },
    user: { type: 'string' },
    event: { type: 'string' },
    text: { type: 'string' },
    output: { type: 'string', short: 'o', default: 'text' },
  });
  if (!values.config) throw new UsageError('--config FILE is required');
  if (!values.platform) throw new UsageError('--platform is required');
  if (values.text === undefined) throw new UsageError('--text is required');
  if (values.output !== 'text' && values.output !== 'json') throw new UsageError('--output must be text or json');

  const config = await loadConfig(path.resolve(io.cwd, values.config), {
    env: io.env,
    flowsDir: values['flows-dir'] && path.resolve(io.cwd, values['flows-dir']),
  });
  for (const problem of config.problems.filter((p) => p.severity === 'error')) io.err(formatProblem(problem));

  const router = await offlineRouter(config, io.env);
  const channel = values.channel?.replace(/^#/, '');
  const message: InboundMessage = {
    id: 'aofctl-route',
    platform: values.platform.toLowerCase(),
    channel: { id: channel ?? '', ...(channel !== undefined && { name: channel }) },
    user: { id: values.user ?? '' },
    text: values.text,
    kind: 'message',
    ...(values.event !== undefined && { event: values.event }),
    receivedAt: Date.now(),
  };
  const decision = router.routeBest(message, { explain: true });
  if (values.output === 'json') {
    io.out(JSON.stringify(decisionJson(decision), null, 2));
  } else {
    io.out(formatDecision(decision));
  }
  return 0;
}

function formatDecision(decision: RouteDecision): string {
  const lines: string[] = [];
  if (decision.flow) {
    lines.push(`flow:  ${decision.flow.flow.metadata.name} (score ${decision.score}: ${decision.matched.join(' + ')})`);
  } else if (decision.fallback) {
    lines.push('flow:  none matched; routing.default_agent answers');
  } else if (decision.dropped) {
    lines.push('flow:  none matched; dropped (routing.strict_mode)');
  } else {
    lines.push('flow:  none matched and no routing.default_agent');
  }
  lines.push(`agent: ${decision.agent ?? '-'}`, '', 'candidates:');
  for (const c of decision.candidates ?? []) {
    const verdict = c.excluded_by ? `excluded by ${c.excluded_by}` : `score ${c.score} (${c.matched.join(' + ')})`;
    lines.push(`  ${c.flow.padEnd(32)} ${verdict}`);
  }
  return lines.join('\n');
}
