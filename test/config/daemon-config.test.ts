import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isAofError } from '@aof/api';
import { loadConfig } from '../../core/config/load-config.js';
import { configFixtures, errorsOf, locate, problemAt } from './support.js';

const cluster = path.join(configFixtures, 'daemon', 'cluster.yaml');

describe('the daemon config', () => {
  it('throws AOF_ERR_CONFIG_NOT_FOUND only when the daemon file is missing', async () => {
    await assert.rejects(loadConfig(path.join(configFixtures, 'no-such-daemon.yaml'), { env: {} }), (error) => isAofError(error, 'AOF_ERR_CONFIG_NOT_FOUND'));
    const file = path.join(configFixtures, 'errors', 'unknown-fields.yaml');
    const notADaemon = await loadConfig(file, { env: {} });
    const kind = problemAt(notADaemon.problems, file, 'kind');
    assert.equal(kind.message, 'expected kind DaemonConfig, got kind AgentFlow');
    assert.equal(kind.line, locate(file, 'kind: AgentFlow').line);
    assert.equal(notADaemon.daemon.spec.server.port, 8080);
  });

  it('requires redis_url in cluster mode', async () => {
    const config = await loadConfig(cluster, { env: {} });
    const error = problemAt(config.problems, cluster, 'spec.server.redis_url');
    assert.equal(error.message, 'missing required field "redis_url"');
    assert.equal(error.line, locate(cluster, 'server:').line);
    assert.equal(errorsOf(config.problems).length, 1);
  });

  it('warns in cluster mode about platform modes only one node may run, at their line', async () => {
    const file = path.join(configFixtures, 'daemon', 'cluster-one-node-modes.yaml');
    const config = await loadConfig(file, { env: {} });
    assert.deepEqual(errorsOf(config.problems), []);
    const telegram = problemAt(config.problems, file, 'spec.platforms.telegram.mode');
    assert.equal(telegram.severity, 'warning');
    assert.equal(telegram.message, 'telegram mode: polling in cluster mode: Telegram answers a second poller with 409 Conflict; run polling on one node only, or use mode: webhook');
    assert.equal(telegram.line, locate(file, 'mode: polling').line);
    assert.match(problemAt(config.problems, file, 'spec.platforms.whatsapp.mode').message, /^whatsapp mode: web in cluster mode: a WhatsApp Web session belongs to one browser/);
    const store = problemAt(config.problems, file, 'spec.plugins[0]');
    assert.equal(store.message, 'store-file keeps state on each node alone, so in cluster mode the nodes would not share dedupe, limits or approvals; remove it to use store-redis at server.redis_url');
    assert.equal(store.line, locate(file, '- use: store-file').line);

    const single = path.join(await mkdtemp(path.join(tmpdir(), 'aof-one-node-')), 'daemon.yaml');
    await writeFile(single, (await readFile(file, 'utf8')).replace('cluster_mode: true', 'cluster_mode: false'));
    const one = await loadConfig(single, { env: {} });
    assert.deepEqual(one.problems.filter((p) => p.path?.startsWith('spec.platforms') || p.path?.startsWith('spec.plugins')), [], 'one node: nothing to say');
    await rm(path.dirname(single), { recursive: true, force: true });
  });

  it('reads numbers written as strings, loads no flows when flows are disabled, ignores extra documents', async () => {
    const config = await loadConfig(cluster, { env: {} });
    assert.equal(config.daemon.spec.server.port, 9090);
    assert.deepEqual(config.flows, []);
    assert.deepEqual(config.agents.map((a) => a.agent.metadata.name), ['helper', 'ops']);
    const extra = config.problems.find((p) => p.message.startsWith('the daemon config file holds one DaemonConfig'));
    assert.equal(extra?.severity, 'warning');
    assert.equal(extra?.line, locate(cluster, 'apiVersion', 2).line);
  });

  it('warns about a misspelt `enabled` in a platform block, which would leave the platform on', async () => {
    const config = await loadConfig(cluster, { env: {} });
    const typo = problemAt(config.problems, cluster, 'spec.platforms.slack.enabeld');
    assert.equal(typo.severity, 'warning');
    assert.match(typo.message, /did you mean "enabled"\?/);
    assert.deepEqual(config.enabledPlatforms, ['local', 'slack']);
  });

  it('turns plugin names into {use, enabled: true} entries', async () => {
    const config = await loadConfig(path.join(configFixtures, 'plugins', 'daemon.yaml'), { env: {} });
    assert.deepEqual(errorsOf(config.problems), []);
    assert.deepEqual(config.daemon.spec.plugins, [
      { use: 'slack', enabled: true },
      { use: '@acme/aof-plugin-jira', enabled: false, config: { url: 'https://jira.example.com' } },
    ]);
  });

  it('keys platform blocks lower-case and rejects a platform configured twice', async () => {
    const file = path.join(configFixtures, 'daemon', 'platform-case.yaml');
    const config = await loadConfig(file, { env: {} });
    assert.deepEqual(Object.keys(config.daemon.spec.platforms), ['telegram', 'slack']);
    assert.deepEqual(config.daemon.spec.platforms.slack, { enabled: true });
    const twice = problemAt(config.problems, file, 'spec.platforms.slack');
    assert.equal(twice.code, 'AOF_ERR_CONFIG_DUPLICATE');
    assert.equal(twice.line, locate(file, '  slack:').line);
    assert.deepEqual(config.enabledPlatforms, ['local', 'slack', 'telegram']);
  });
});
