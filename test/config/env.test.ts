import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DaemonConfig } from '@aof/api';
import { formatProblem, loadConfig, loadResourceFiles } from '../../core/config/load-config.js';
import { resolvePlatforms } from '../../core/config/platforms.js';
import { configFixtures, errorsOf, locate, problemAt } from './support.js';

const envDir = path.join(configFixtures, 'env');
const daemonFile = path.join(envDir, 'daemon.yaml');
const ENV = { SLACK_BOT_TOKEN: 'xoxb-env-test', REGION: 'eu-west-1', EMPTY_VALUE: '' };

async function load(env: Record<string, string> = ENV) {
  return loadConfig(daemonFile, { env });
}

describe('environment variables', () => {
  it('substitutes ${VAR} and ${VAR:-default}, inside longer strings too, and $${ stays literal', async () => {
    const config = await load();
    const flow = config.flows.find((f) => f.flow.metadata.name === 'substituted');
    assert.equal(flow?.active, true);
    assert.equal(flow?.flow.spec.trigger?.config?.bot_token, 'xoxb-env-test');
    assert.deepEqual(flow?.flow.spec.context, {
      namespace: 'default',
      cluster_name: 'eks-eu-west-1-main',
      env: { LITERAL: '${NOT_A_VARIABLE}', EMPTY_WITH_DEFAULT: 'fallback' },
    });
  });

  it('reports a missing variable as an error with file, line, column and name, and leaves the flow out', async () => {
    const config = await load();
    const file = path.join(envDir, 'flows', 'missing-variable.yaml');
    const error = problemAt(config.problems, file, 'spec.context.kubeconfig');
    assert.equal(error.severity, 'error');
    assert.equal(error.code, 'AOF_ERR_CONFIG_ENV_MISSING');
    assert.match(error.message, /^environment variable KUBECONFIG_NAME is not set/);
    assert.deepEqual([error.line, error.column], [locate(file, '${KUBECONFIG_NAME}').line, locate(file, '${KUBECONFIG_NAME}').column]);
    assert.equal(config.flows.some((f) => f.flow.metadata.name === 'missing-variable'), false);
    assert.deepEqual(errorsOf(config.problems), [error]);
  });

  it('loads a flow of a disabled platform inactive, its missing variable being no error', async () => {
    const config = await load();
    const telegram = config.flows.find((f) => f.flow.metadata.name === 'telegram-flow');
    assert.equal(telegram?.active, false);
    assert.equal(telegram?.inactiveReason, 'platform telegram is not enabled (platforms.telegram.enabled is false); variable TELEGRAM_BOT_TOKEN is not set');
    assert.equal(config.problems.some((p) => p.file.endsWith('telegram-flow.yaml')), false);
  });

  it('computes enabled platforms from the blocks and their *_env variables', async () => {
    const config = await load();
    assert.deepEqual(config.enabledPlatforms, ['local', 'slack']);
    const inactive = Object.fromEntries(config.flows.filter((f) => !f.active).map((f) => [f.flow.metadata.name, f.inactiveReason]));
    assert.deepEqual(inactive, {
      'discord-flow': 'platform discord is not enabled (DISCORD_BOT_TOKEN is not set)',
      'telegram-flow': 'platform telegram is not enabled (platforms.telegram.enabled is false); variable TELEGRAM_BOT_TOKEN is not set',
      'whatsapp-flow': 'platform whatsapp is not enabled (platforms.whatsapp is not configured)',
    });
    assert.equal(config.flows.find((f) => f.flow.metadata.name === 'any-platform')?.active, true);
    const discord = problemAt(config.problems, daemonFile, 'spec.platforms.discord.bot_token_env');
    assert.equal(discord.severity, 'warning');
    assert.equal(discord.message, 'platform discord: DISCORD_BOT_TOKEN is not set; its flows are inactive');
    assert.equal(discord.line, locate(daemonFile, 'bot_token_env: DISCORD_BOT_TOKEN').line);

    const withDiscord = await load({ ...ENV, DISCORD_BOT_TOKEN: 'set' });
    assert.deepEqual(withDiscord.enabledPlatforms, ['discord', 'local', 'slack']);
    assert.equal(withDiscord.flows.find((f) => f.flow.metadata.name === 'discord-flow')?.active, true);
  });

  it('enables a platform whose plain key is written beside an unset *_env twin, as its plugin gets the plain key', () => {
    const daemon = {
      apiVersion: 'aof.dev/v1', kind: 'DaemonConfig', metadata: { name: 'plain-key' },
      spec: { platforms: { discord: { bot_token: 'written-here', bot_token_env: 'DISCORD_BOT_TOKEN' }, telegram: { bot_token_env: 'TELEGRAM_BOT_TOKEN' } } },
    } as unknown as DaemonConfig;
    const { table } = resolvePlatforms(daemon, {}, undefined);
    assert.deepEqual(table.enabled, ['discord', 'local']);
    assert.deepEqual(table.status('telegram'), { enabled: false, why: 'TELEGRAM_BOT_TOKEN is not set' });
  });

  it('makes every missing variable an error when files are checked without a daemon config', async () => {
    const file = path.join(envDir, 'flows', 'telegram-flow.yaml');
    const loaded = await loadResourceFiles([file], { env: {} });
    const error = problemAt(loaded.problems, file, 'spec.trigger.config.bot_token');
    assert.equal(error.code, 'AOF_ERR_CONFIG_ENV_MISSING');
    assert.equal(error.line, locate(file, '${TELEGRAM_BOT_TOKEN}').line);
    assert.deepEqual(loaded.flows, []);
  });

  it('never puts a secret in a problem message', async () => {
    const file = path.join(configFixtures, 'secrets', 'leaky.yaml');
    const secrets = { FLOW_NAME: 'Not A Name s3cr3t-name', RATE_LIMIT: 'ratelimit-s3cr3t', ROUTE_PATTERN: '(pattern-s3cr3t' };
    const loaded = await loadResourceFiles([file], { env: secrets });
    const daemon = await loadConfig(path.join(configFixtures, 'secrets', 'daemon.yaml'), { env: {} });
    const problems = [...loaded.problems, ...daemon.problems];
    const text = problems.map(formatProblem).join('\n');
    for (const secret of [...Object.values(secrets), 'hunter2', 'xoxb-literal-secret']) assert.equal(text.includes(secret), false, `${secret} in:\n${text}`);

    // Each one is still reported, with the value withheld.
    assert.match(problemAt(problems, file, 'metadata.name').message, /^expected a string matching .*, got string \(value not shown\)$/);
    assert.equal(problemAt(problems, file, 'spec.limits.max_requests_per_hour').message, 'expected an integer, got string (value not shown)');
    assert.equal(problemAt(problems, file, 'spec.trigger.config.patterns[0]').message, 'pattern does not compile (value not shown)');
    assert.equal(errorsOf(problems).filter((p) => p.code === 'AOF_ERR_CONFIG_PARSE').length, 1);
    assert.match(problemAt(problems, daemon.daemonFile, 'spec.server.redis_url').message, /got string \(value not shown\)$/);
  });
});
