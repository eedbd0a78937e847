import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aofctl } from '../helpers/cli.js';

interface RouteJson {
  flow: string | null;
  agent: string | null;
  score: number;
  fallback: boolean;
  dropped: boolean;
  candidates: Array<{ flow: string; score: number | null; matched: string[]; excluded_by: string | null }>;
}

async function route(args: string[], env: Record<string, string> = {}): Promise<RouteJson> {
  const run = await aofctl(['route', '--config', 'daemon-config.yaml', '--output', 'json', ...args], { env });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as RouteJson;
}

const byFlow = (decision: RouteJson, flow: string) => decision.candidates.find((candidate) => candidate.flow === flow);

describe('aofctl route on the example deployment', () => {
  it('routes a local ops message to the ops flow and picks the agent by pattern', async () => {
    const decision = await route(['--platform', 'local', '--channel', 'ops', '--user', 'alice', '--text', 'kubectl get pods']);
    assert.equal(decision.flow, 'local-ops-flow');
    assert.equal(decision.agent, 'k8s-ops');
    assert.equal(decision.score, 140);
    assert.equal(decision.fallback, false);
    assert.equal(decision.dropped, false);
    const ops = decision.candidates.find((c) => c.flow === 'local-ops-flow');
    assert.deepEqual(ops?.matched.sort(), ['channel', 'platform']);
  });

  it('explains every flow: inactive Slack flows and the channel that excluded the dev flow', async () => {
    const decision = await route(['--platform', 'local', '--channel', '#OPS', '--text', 'incident in checkout']);
    assert.equal(decision.agent, 'incident-responder');
    const byName = new Map(decision.candidates.map((c) => [c.flow, c]));
    assert.equal(byName.get('prod-k8s-flow')?.excluded_by, 'inactive');
    assert.equal(byName.get('local-dev-flow')?.excluded_by, 'channel');
    assert.equal(byName.get('local-dev-flow')?.score, null);
    assert.ok(decision.candidates.length >= 9, 'every loaded flow is explained');
  });

  it('falls back to routing.default_agent when nothing matches', async () => {
    const decision = await route(['--platform', 'telegram', '--channel', 'random', '--text', 'hello']);
    assert.equal(decision.flow, null);
    assert.equal(decision.agent, 'general-assistant');
    assert.equal(decision.fallback, true);
  });

  it('routes Slack production traffic to the prod flow once Slack is configured', async () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'test-secret', KUBECONFIG_PROD: '/tmp/prod', KUBECONFIG_STAGING: '/tmp/staging' };
    const prod = await route(['--platform', 'slack', '--channel', 'production', '--event', 'app_mention', '--text', '<@U0BOT> kubectl get pods'], env);
    assert.equal(prod.flow, 'prod-k8s-flow');
    assert.equal(prod.agent, 'k8s-ops');
    const staging = await route(['--platform', 'slack', '--channel', 'staging', '--event', 'message', '--text', 'deploy status'], env);
    assert.equal(staging.flow, 'staging-dev-flow');
    const admin = await route(['--platform', 'slack', '--channel', 'random', '--user', 'U015ADMIN', '--event', 'app_mention', '--text', 'helm list'], env);
    assert.equal(admin.flow, 'admin-only-flow');
    assert.equal(admin.score, 120);
  });

  it('limits the message to --flows, as a platform does for flows with their own credentials', async () => {
    const decision = await route(['--platform', 'local', '--channel', 'ops', '--text', 'kubectl get pods', '--flows', 'local-dev-flow']);
    // local-ops-flow would win on its channel; outside the list it is not a candidate.
    assert.equal(byFlow(decision, 'local-ops-flow')?.excluded_by, 'flows');
    assert.equal(byFlow(decision, 'local-dev-flow')?.excluded_by, 'channel');
    assert.equal(decision.flow, null);
    assert.equal(decision.fallback, true);
  });

  it('warns about a --flows name that is not a loaded flow', async () => {
    const run = await aofctl(['route', '--config', 'daemon-config.yaml', '--platform', 'local', '--channel', 'ops', '--text', 'x', '--flows', 'local-ops-flow,local-opps-flow']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr.trim(), 'warning: --flows names "local-opps-flow", which is not a loaded flow');
  });

  it('prints a readable explanation by default', async () => {
    const run = await aofctl(['route', '--config', 'daemon-config.yaml', '--platform', 'local', '--channel', 'dev', '--text', 'kubectl get pods']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^flow: {2}local-dev-flow \(score 140: /m);
    assert.match(run.stdout, /local-ops-flow\s+excluded by channel/);
  });

  it('rejects a missing --text with usage and exit code 2', async () => {
    const run = await aofctl(['route', '--config', 'daemon-config.yaml', '--platform', 'local']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--text is required/);
  });
});
