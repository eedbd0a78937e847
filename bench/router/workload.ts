import type { FlowAgentRef, InboundMessage, LoadedFlow } from '@aof/api';

/** mulberry32, so every run routes the same flows and messages. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ['payments', 'checkout', 'search', 'identity', 'growth', 'data', 'ml', 'infra', 'sre', 'mobile', 'web', 'billing',
  'ledger', 'risk', 'fraud', 'support', 'catalog', 'orders', 'shipping', 'notifications'];
const ENVS = ['prod', 'staging', 'dev', 'alerts', 'oncall', 'deploys'];
const SERVICES = 40;

/** Intents a real deployment routes on, plus per-service patterns: 60 distinct regexes. */
const INTENT_PATTERNS = [
  '^kubectl (get|describe|logs)\\b', '^kubectl (delete|scale|rollout)\\b', '(?i)\\bincident\\b', '^(incident|outage|alert|page)',
  'CRITICAL|HIGH|URGENT', 'PagerDuty|OpsGenie', '^helm (list|status|history)', '^helm (upgrade|rollback|uninstall)',
  '(?i)deploy(ment)?\\s+\\S+\\s+to\\s+prod', 'terraform (plan|apply)', '(?i)\\bcosts?\\b', '^aws (s3|ec2|iam)\\b',
  '(?i)security scan', 'CVE-\\d{4}-\\d+', '(?i)grafana|prometheus', '^/oncall', '(?i)\\bbilling\\b', '^psql\\b',
  '(?i)\\b(restart|bounce)\\b', 'ERROR|FATAL',
];
const SERVICE_PATTERNS = Array.from({ length: SERVICES }, (_, k) => `(?i)\\bsvc-${k}\\b`);

const TEXTS = [
  'kubectl get pods -n svc-{k}', 'kubectl logs deploy/svc-{k} --tail=50', 'kubectl scale deploy svc-{k} --replicas=3',
  'deploy svc-{k} to prod', 'incident: svc-{k} latency is up', 'outage in checkout', 'CRITICAL: disk full on db-{k}',
  'PagerDuty fired for svc-{k}', 'helm list -n staging', 'helm rollback svc-{k} 12', 'what did svc-{k} cost last month?',
  'terraform plan for the vpc', 'run a security scan on svc-{k}', 'is CVE-2024-3094 fixed?', 'hello team', 'thanks!',
  'can someone review my PR', 'psql -c "select 1"', 'restart svc-{k} please', 'grafana dashboard for svc-{k}?',
];

export interface Workload {
  flows: LoadedFlow[];
  messages: InboundMessage[];
}

/**
 * `flowCount` flows: a third channel-filtered (some also by pattern), a third pattern-filtered,
 * a third user-filtered or catch-all; and `messageCount` messages from a mix of known and
 * unknown channels and users with realistic ChatOps text.
 */
export function buildWorkload(flowCount: number, messageCount: number, seed: number): Workload {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const channelCount = Math.max(60, Math.floor(flowCount / 4));
  const userCount = Math.max(100, Math.floor(flowCount / 2));
  const channels = Array.from({ length: channelCount }, (_, i) => ({
    id: `C${(0x100000 + i).toString(36).toUpperCase()}`,
    name: `${pick(TEAMS)}-${pick(ENVS)}-${i}`,
  }));
  const users = Array.from({ length: userCount }, (_, i) => ({ id: `U${(0x200000 + i).toString(36).toUpperCase()}`, name: `user${i}` }));
  const patterns = (): string[] => Array.from({ length: between(1, 3) }, () => (random() < 0.4 ? pick(INTENT_PATTERNS) : pick(SERVICE_PATTERNS)));
  const channelEntry = (): string => {
    const channel = pick(channels);
    return pick([channel.id, channel.name, `#${channel.name}`]);
  };
  const agents = (): FlowAgentRef[] => Array.from({ length: between(1, 3) }, (_, i) => ({
    name: `agent-${i}`,
    ...(random() < 0.5 && { patterns: [pick(INTENT_PATTERNS)] }),
  }));

  const flows = Array.from({ length: flowCount }, (_, index): LoadedFlow => {
    const config: Record<string, string[]> = {};
    if (random() < 0.5) config['events'] = random() < 0.5 ? ['app_mention'] : ['app_mention', 'message'];
    if (index % 3 === 0) {
      config['channels'] = Array.from({ length: between(1, 3) }, channelEntry);
      if (random() < 0.3) config['patterns'] = patterns();
    } else if (index % 3 === 1) {
      config['patterns'] = patterns();
    } else if (random() < 0.6) {
      config['users'] = Array.from({ length: between(1, 5) }, () => pick(users).id);
    }
    const type = random() < 0.9 ? pick(['Slack', 'Slack', 'Slack', 'Telegram', 'Discord']) : undefined;
    return {
      flow: {
        apiVersion: 'aof.dev/v1',
        kind: 'AgentFlow',
        metadata: { name: `flow-${index}`, labels: { tier: pick(['enterprise', 'standard']) } },
        spec: { trigger: { ...(type && { type }), config }, agents: agents() },
      },
      index,
      source: { file: `flows/flow-${index}.yaml`, line: 1, column: 1 },
      active: random() < 0.97,
    };
  });

  const messages = Array.from({ length: messageCount }, (_, i): InboundMessage => {
    const channel = random() < 0.7 ? pick(channels) : { id: `CX${i}`, name: `side-${i}` };
    const user = random() < 0.6 ? pick(users) : { id: `UX${i}`, name: `guest${i}` };
    const text = pick(TEXTS).replace('{k}', String(between(0, SERVICES + 10)));
    return {
      id: `m${i}`,
      platform: pick(['slack', 'slack', 'slack', 'slack', 'telegram', 'discord', 'whatsapp']),
      channel,
      user,
      text: random() < 0.2 ? `<@U0BOT> ${text}` : text,
      kind: 'mention',
      event: random() < 0.6 ? 'app_mention' : 'message',
      receivedAt: 0,
    };
  });
  return { flows, messages };
}
