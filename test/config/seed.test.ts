import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem, loadConfig, loadResourceFiles } from '../../core/config/load-config.js';
import { sharedDir } from '../helpers/paths.js';
import { errorsOf, seedFixtures } from './support.js';

/** Every variable the seed's examples reference, as an operator would export them. */
const SEED_ENV = {
  SLACK_BOT_TOKEN: 'xoxb-seed',
  SLACK_SIGNING_SECRET: 'seed-signing',
  TELEGRAM_BOT_TOKEN: '123:seed',
  DISCORD_BOT_TOKEN: 'seed-discord',
  KUBECONFIG_PROD: '/etc/kube/prod',
  KUBECONFIG_STAGING: '/etc/kube/staging',
  SLACK_BOT_TOKEN_ORG_A: 'xoxb-org-a',
  SLACK_SIGNING_SECRET_ORG_A: 'org-a-signing',
  KUBECONFIG_ORG_A: '/etc/kube/org-a',
  REDIS_URL: 'redis://redis:6379',
  HOSTNAME: 'aof-0',
};

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => path.join(dir, name))
    .sort();
}

function assertNoErrors(problems: Parameters<typeof errorsOf>[0]): void {
  assert.deepEqual(errorsOf(problems).map(formatProblem), []);
}

describe('seed document examples', () => {
  it('keeps every YAML block of the seed document, as written, in test/fixtures/seed', () => {
    const doc = readFileSync(path.join(sharedDir, 'seed', 'multi-tenant-flows.md'), 'utf8');
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    assert.equal(blocks.length, 12);
    const fixtures = yamlFilesUnder(seedFixtures).map((file) => readFileSync(file, 'utf8'));
    // Partial snippets are wrapped, and the WRONG/CORRECT block is split over files, so compare
    // paragraph by paragraph: each must appear verbatim in some fixture.
    for (const block of blocks) {
      for (const paragraph of block.split('\n\n').map((p) => p.trim()).filter(Boolean)) {
        assert.ok(fixtures.some((text) => text.includes(paragraph)), `not in any fixture:\n${paragraph}`);
      }
    }
  });

  it('loads the seed daemon config with its agents and flows, without errors, defaults applied', async () => {
    const config = await loadConfig(path.join(seedFixtures, 'daemon-config.yaml'), { env: SEED_ENV });
    assertNoErrors(config.problems);
    assert.deepEqual(config.problems.map(formatProblem), []);
    assert.deepEqual(config.enabledPlatforms, ['discord', 'local', 'slack', 'telegram']);
    assert.deepEqual(config.flows.map((f) => f.flow.metadata.name), [
      'admin-only-flow',
      'developer-flow',
      'org-a-flow',
      'incident-flow',
      'shared-assistant-slack',
      'shared-assistant-telegram',
      'shared-assistant-discord',
      'prod-k8s-flow',
      'staging-dev-flow',
    ]);
    assert.ok(config.flows.every((f) => f.active));
    assert.deepEqual(config.agents.map((a) => a.agent.metadata.name).sort(), [
      'admin-agent', 'dev-assistant', 'general-assistant', 'incident-responder', 'k8s-ops', 'org-a-assistant',
    ]);

    const spec = config.daemon.spec;
    assert.equal(spec.server.port, 8080);
    assert.equal(spec.server.body_limit_bytes, 1048576);
    assert.deepEqual(spec.runtime, { max_concurrent_tasks: 50, task_timeout_secs: 300, max_tasks_per_user: 5, queue_size: 100 });
    assert.deepEqual(spec.routing, {
      default_agent: 'general-assistant',
      strict_mode: false,
      weights: { channel: 100, user: 80, pattern: 60, platform: 40, catch_all: 10 },
    });
    assert.deepEqual(spec.flows, { enabled: true, directory: './flows', watch: true, recursive: true });
    assert.deepEqual(spec.sandbox, { max_memory_mb: 256, idle_timeout_secs: 30 });
    assert.deepEqual(spec.memory, { max_messages: 50, ttl_secs: 86400 });
    assert.deepEqual(spec.logging, { level: 'info', format: 'json' });
    assert.deepEqual(spec.admin, { enabled: false });
    assert.deepEqual(spec.plugins, []);
    assert.equal(config.baseDir, seedFixtures);
  });

  it('substitutes the seed flows variables and keeps their structure', async () => {
    const config = await loadConfig(path.join(seedFixtures, 'daemon-config.yaml'), { env: SEED_ENV });
    const prod = config.flows.find((f) => f.flow.metadata.name === 'prod-k8s-flow');
    assert.ok(prod);
    assert.equal(prod.flow.spec.trigger?.config?.bot_token, 'xoxb-seed');
    assert.equal(prod.flow.spec.context?.kubeconfig, '/etc/kube/prod');
    assert.deepEqual(prod.flow.spec.context?.env, { REQUIRE_APPROVAL: 'true', APPROVAL_TIMEOUT: '300' });
    assert.deepEqual(prod.flow.spec.approval?.allowed_users, ['U015VBH1GTZ', 'U012ADMIN']);
    const incident = config.flows.find((f) => f.flow.metadata.name === 'incident-flow');
    assert.equal(incident?.flow.spec.agents[0]?.priority, 'critical');
    const shared = config.flows.filter((f) => f.source.file.endsWith('shared-assistant.yaml'));
    assert.deepEqual(shared.map((f) => f.source.document), [0, 1, 2]);
  });

  it('loads every seed flow and agent file on its own without errors', async () => {
    const agents = yamlFilesUnder(path.join(seedFixtures, 'agents'));
    for (const file of yamlFilesUnder(path.join(seedFixtures, 'flows'))) {
      const loaded = await loadResourceFiles([file, ...agents], { env: SEED_ENV });
      assertNoErrors(loaded.problems);
      assert.ok(loaded.flows.length >= 1, file);
    }
  });

  it('loads the wrapped flow snippets (environment isolation, approval chains) without errors', async () => {
    const snippets = path.join(seedFixtures, 'snippets');
    const loaded = await loadResourceFiles([
      path.join(snippets, 'environment-isolation-wrong.yaml'),
      path.join(snippets, 'environment-isolation-correct'),
      path.join(snippets, 'approval-chains.yaml'),
      path.join(seedFixtures, 'agents'),
    ], { env: SEED_ENV });
    assertNoErrors(loaded.problems);
    assert.deepEqual(loaded.flows.map((f) => f.flow.metadata.name).sort(), [
      'approval-chains-flow', 'mixed-environments-flow', 'prod-k8s-flow', 'staging-k8s-flow',
    ]);
    const chains = loaded.flows.find((f) => f.flow.metadata.name === 'approval-chains-flow')?.flow.spec.approval;
    assert.deepEqual(chains?.chains?.map((c) => [c.name, c.require]), [['standard', 1], ['critical', 2]]);
    assert.deepEqual(chains?.rules?.map((r) => r.chain), ['critical', 'standard']);
  });

  it('loads the wrapped daemon snippets (horizontal scaling, rate limiting) without errors', async () => {
    const scaling = await loadConfig(path.join(seedFixtures, 'snippets', 'horizontal-scaling.yaml'), { env: SEED_ENV });
    assertNoErrors(scaling.problems);
    assert.equal(scaling.daemon.spec.server.cluster_mode, true);
    assert.equal(scaling.daemon.spec.server.redis_url, 'redis://redis:6379');
    assert.equal(scaling.daemon.spec.server.node_id, 'aof-0');
    assert.equal(scaling.daemon.spec.runtime.distributed, true);
    assert.equal(scaling.daemon.spec.runtime.task_queue, 'redis');
    // Loaded, but the daemon says what it does not do: no node hands tasks to another.
    assert.deepEqual(scaling.problems.filter((p) => p.message.includes('not built')).map((p) => [p.line, p.message.split(':')[0]]), [
      [15, 'runtime.distributed is not built yet'],
      [16, 'runtime.task_queue'],
    ]);
    assert.equal(scaling.daemon.spec.runtime.max_concurrent_tasks, 50);

    const limits = await loadConfig(path.join(seedFixtures, 'snippets', 'rate-limiting.yaml'), { env: SEED_ENV });
    assertNoErrors(limits.problems);
    assert.deepEqual(limits.daemon.spec.limits, {
      global: { max_requests_per_minute: 100 },
      per_organization: { max_requests_per_hour: 1000, max_tokens_per_day: 1000000 },
      per_user: { max_requests_per_minute: 10 },
    });
  });

  it('loads a seed flow inactive, with no error, when its platform token is not set', async () => {
    const { TELEGRAM_BOT_TOKEN: _unset, ...env } = SEED_ENV;
    const config = await loadConfig(path.join(seedFixtures, 'daemon-config.yaml'), { env });
    assertNoErrors(config.problems);
    assert.deepEqual(config.enabledPlatforms, ['discord', 'local', 'slack']);
    const telegram = config.flows.find((f) => f.flow.metadata.name === 'shared-assistant-telegram');
    assert.equal(telegram?.active, false);
    assert.equal(telegram?.inactiveReason, 'platform telegram is not enabled (TELEGRAM_BOT_TOKEN is not set); variable TELEGRAM_BOT_TOKEN is not set');
    assert.equal(config.flows.filter((f) => !f.active).length, 1);
    assert.deepEqual(config.problems.map((p) => p.message), ['platform telegram: TELEGRAM_BOT_TOKEN is not set; its flows are inactive']);
  });
});
