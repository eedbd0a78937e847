import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem, loadConfig } from '../../core/config/load-config.js';
import { sharedFixturesDir } from '../helpers/paths.js';
import { configFixtures, errorsOf, locate, problemAt } from './support.js';

const daemonYaml = path.join(sharedFixturesDir, 'aof', 'daemon.yaml');
const exampleYaml = path.join(sharedFixturesDir, 'aof', 'daemon-config.example.yaml');
/** AOF's configs name agents and flows directories that do not ship with them. */
const dirs = { agentsDir: path.join(configFixtures, 'aof-agents'), flowsDir: path.join(configFixtures, 'aof-agents') };

describe("AOF's own daemon configs", () => {
  it('loads daemon.yaml: unknown fields and the runtime.default_agent alias warn, nothing fails', async () => {
    const config = await loadConfig(daemonYaml, { env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, ...dirs });
    assert.deepEqual(errorsOf(config.problems).map(formatProblem), []);

    const triggers = problemAt(config.problems, daemonYaml, 'spec.triggers');
    assert.equal(triggers.severity, 'warning');
    assert.equal(triggers.message, 'unknown field "triggers" is ignored');
    assert.deepEqual([triggers.line, triggers.column], [locate(daemonYaml, 'triggers:').line, 3]);

    const alias = problemAt(config.problems, daemonYaml, 'spec.runtime.default_agent');
    assert.equal(alias.severity, 'warning');
    assert.match(alias.message, /read as routing\.default_agent/);
    assert.equal(alias.line, locate(daemonYaml, 'default_agent: devops-agent').line);
    assert.equal(config.daemon.spec.routing.default_agent, 'devops-agent');
    assert.equal('default_agent' in config.daemon.spec.runtime, false);

    // Platform blocks take any keys (github's bot_name, telegram's webhook_secret: null) silently.
    assert.equal(config.problems.some((p) => p.path?.startsWith('spec.platforms.github.bot_name')), false);
    assert.deepEqual(config.enabledPlatforms, ['local', 'slack']);
    assert.deepEqual(
      config.problems.filter((p) => p.code === 'AOF_ERR_CONFIG_ENV_MISSING').map((p) => p.message),
      [
        'platform telegram: TELEGRAM_BOT_TOKEN is not set; its flows are inactive',
        'platform github: GITHUB_TOKEN, GITHUB_WEBHOOK_SECRET are not set; its flows are inactive',
      ],
    );
    assert.equal(config.daemon.spec.server.cors, true);
    assert.equal(config.daemon.spec.runtime.max_concurrent_tasks, 10);
    assert.equal(config.daemon.spec.runtime.queue_size, 100);
    assert.deepEqual(config.agents.map((a) => a.agent.metadata.name), ['devops-agent']);
  });

  it('reports the alias default agent at runtime.default_agent when it names no agent', async () => {
    const config = await loadConfig(daemonYaml, { env: {}, agentsDir: path.join(configFixtures, 'order', 'agents') });
    const error = problemAt(errorsOf(config.problems), daemonYaml, 'spec.runtime.default_agent');
    assert.equal(error.code, 'AOF_ERR_CONFIG_UNKNOWN_AGENT');
    assert.equal(error.line, locate(daemonYaml, 'default_agent: devops-agent').line);
    assert.match(error.message, /"devops-agent" does not exist \(known agents: helper, ops\)/);
  });

  it('loads daemon-config.example.yaml with no errors; platform options stay in the platform blocks', async () => {
    const config = await loadConfig(exampleYaml, { env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, ...dirs });
    assert.deepEqual(errorsOf(config.problems).map(formatProblem), []);
    assert.deepEqual(config.enabledPlatforms, ['local', 'slack']);
    assert.equal(config.daemon.spec.platforms.slack?.app_id, 'A0123456789');
    assert.equal(config.daemon.spec.platforms.discord?.enabled, false);
    assert.equal(config.daemon.metadata.labels?.environment, 'production');
    assert.equal(config.daemon.spec.runtime.max_tasks_per_user, 3);
    assert.equal(config.daemon.spec.flows.directory, './flows');
    // Nothing in it is unknown to the schema (cors and timeout_secs are server fields).
    assert.deepEqual(config.problems.map(formatProblem), []);
  });

  it('warns, without failing, when the configured directories do not exist', async () => {
    const config = await loadConfig(exampleYaml, { env: {} });
    assert.deepEqual(errorsOf(config.problems).map(formatProblem), []);
    const agents = problemAt(config.problems, exampleYaml, 'spec.agents.directory');
    assert.equal(agents.code, 'AOF_ERR_CONFIG_NOT_FOUND');
    assert.equal(agents.message, `agents directory ${path.join(sharedFixturesDir, 'aof', 'agents')} does not exist; no agents are loaded from it`);
    assert.equal(agents.line, locate(exampleYaml, 'directory: ./agents/').line);
    // flows.directory is not written: the warning names the default directory and has no position.
    const flows = config.problems.find((p) => p.message.startsWith('flows directory'));
    assert.equal(flows?.line, undefined);
    assert.match(flows?.message ?? '', /aof\/flows does not exist/);
    assert.match(
      config.problems.find((p) => p.path === 'spec.platforms.slack.bot_token_env')?.message ?? '',
      /^platform slack: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET are not set; its flows are inactive$/,
    );
    assert.deepEqual(config.enabledPlatforms, ['local']);
  });
});
