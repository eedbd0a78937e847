import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem, hasErrors, loadConfig, loadResourceFiles, type ConfigProblem } from '../../core/config/load-config.js';
import { configFixtures, errorsOf, locate, problemAt, warningsOf } from './support.js';

const errors = path.join(configFixtures, 'errors');
const k8sOps = path.join(configFixtures, 'semantic', 'agents', 'k8s-ops.yaml');

describe('configuration errors', () => {
  it('reports a YAML syntax error with line and column, and loads the file\'s other documents', async () => {
    const file = path.join(errors, 'syntax.yaml');
    const loaded = await loadResourceFiles([file], { env: {} });
    const [syntax, ...others] = errorsOf(loaded.problems);
    assert.deepEqual(others, []);
    assert.equal(syntax?.code, 'AOF_ERR_CONFIG_PARSE');
    assert.equal(syntax?.file, file);
    assert.equal(syntax?.line, locate(file, 'trigger:').line);
    assert.equal(syntax?.column, 3);
    assert.match(syntax?.message ?? '', /^YAML: Flow sequence .* end with a \]$/);
    assert.deepEqual(loaded.agents.map((a) => a.agent.metadata.name), ['before-the-typo']);
    assert.deepEqual(loaded.flows.map((f) => [f.flow.metadata.name, f.source.document, f.source.line]), [
      ['after-the-typo', 2, locate(file, 'apiVersion', 3).line],
    ]);
  });

  it('names the path, what was expected and what was found for a wrong type', async () => {
    const file = path.join(errors, 'wrong-types.yaml');
    const loaded = await loadResourceFiles([file, k8sOps], { env: {} });
    assert.deepEqual(loaded.flows, []);
    const events = problemAt(loaded.problems, file, 'spec.trigger.config.events');
    assert.equal(events.message, 'expected a list, got string "app_mention"');
    assert.deepEqual([events.line, events.column], [locate(file, 'app_mention').line, locate(file, 'app_mention').column]);
    const priority = problemAt(loaded.problems, file, 'spec.agents[0].priority');
    assert.equal(priority.message, 'expected one of "low", "normal", "high", "critical", got string "urgent"');
    assert.equal(priority.line, locate(file, 'urgent').line);
    const limit = problemAt(loaded.problems, file, 'spec.limits.max_requests_per_hour');
    assert.equal(limit.message, 'expected an integer, got string "many"');
    assert.equal(errorsOf(loaded.problems).length, 3);
  });

  it('reports schema errors in the daemon config itself, with defaults still applied elsewhere', async () => {
    const file = path.join(errors, 'bad-daemon', 'daemon.yaml');
    const config = await loadConfig(file, { env: {} });
    const tasks = problemAt(config.problems, file, 'spec.runtime.max_concurrent_tasks');
    assert.equal(tasks.severity, 'error');
    assert.equal(tasks.code, 'AOF_ERR_CONFIG_INVALID');
    assert.equal(tasks.message, 'expected an integer, got string "lots"');
    assert.deepEqual([tasks.line, tasks.column], [locate(file, 'lots').line, locate(file, 'lots').column]);
    assert.equal(
      formatProblem(tasks),
      `${file}:${tasks.line}:${tasks.column}: error AOF_ERR_CONFIG_INVALID at spec.runtime.max_concurrent_tasks: expected an integer, got string "lots"`,
    );
    assert.equal(problemAt(config.problems, file, 'spec.logging.format').message, 'expected one of "json", "pretty", got string "xml"');
    assert.equal(errorsOf(config.problems).length, 2);
    assert.equal(config.daemon.spec.server.host, '0.0.0.0');
    assert.equal(config.daemon.spec.runtime.queue_size, 100);
  });

  it('reports missing required fields at the parent, naming the field', async () => {
    const file = path.join(errors, 'missing-required.yaml');
    const loaded = await loadResourceFiles([file], { env: {} });
    const model = problemAt(loaded.problems, file, 'spec.model');
    assert.equal(model.message, 'missing required field "model"');
    assert.equal(model.line, locate(file, 'spec:', 1).line);
    const agents = problemAt(loaded.problems, file, 'spec.agents');
    assert.equal(agents.message, 'missing required field "agents"');
    assert.equal(agents.line, locate(file, 'spec:', 2).line);
    const kind = problemAt(loaded.problems, file, 'kind');
    assert.equal(kind.message, 'missing required field "kind" (expected AgentFlow or Agent)');
    assert.equal(kind.line, locate(file, 'apiVersion', 3).line);
    assert.deepEqual([loaded.flows.length, loaded.agents.length], [0, 0]);
  });

  it('warns about unknown fields (with a suggestion) and still loads the flow', async () => {
    const file = path.join(errors, 'unknown-fields.yaml');
    const loaded = await loadResourceFiles([file, k8sOps], { env: {} });
    assert.deepEqual(errorsOf(loaded.problems), []);
    assert.deepEqual(loaded.flows.map((f) => f.flow.metadata.name), ['unknown-fields']);
    const messages = (p: ConfigProblem): string => `${p.path} @${p.line}: ${p.message}`;
    assert.deepEqual(warningsOf(loaded.problems).map(messages).sort(), [
      `metadata.owner @${locate(file, 'owner:').line}: unknown field "owner" is ignored`,
      `spec.agents[0].timeout @${locate(file, 'timeout:').line}: unknown field "timeout" is ignored`,
      `spec.approvals @${locate(file, 'approvals:').line}: unknown field "approvals" is ignored (did you mean "approval"?)`,
      `spec.trigger.config.chanels @${locate(file, 'chanels:').line}: "chanels" is not a known field (did you mean "channels"?); it is passed to the platform plugin as it is`,
    ]);
    // team_id is a platform option: passed through silently.
    assert.equal(loaded.flows[0]?.flow.spec.trigger?.config?.team_id, 'T0123');
  });

  it('reports likely typos and unknown fields beside the errors, not only once the file is valid', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aof-typos-'));
    const file = path.join(dir, 'flow.yaml');
    await writeFile(file, [
      'apiVersion: aof.dev/v1',
      'kind: AgentFlow',
      'metadata: { name: typo-and-error }',
      'spec:',
      '  trigger:',
      '    type: Slack',
      '    config:',
      '      channelz: [production]',
      '  agents: [{ name: k8s-ops, priority: urgent }]',
      '  approvals: {}',
      '',
    ].join('\n'));
    const loaded = await loadResourceFiles([file, k8sOps], { env: {} });
    const messages = (p: ConfigProblem): string => `${p.severity} ${p.path}: ${p.message}`;
    assert.deepEqual(loaded.problems.filter((p) => p.file === file).map(messages).sort(), [
      'error spec.agents[0].priority: expected one of "low", "normal", "high", "critical", got string "urgent"',
      'warning spec.approvals: unknown field "approvals" is ignored (did you mean "approval"?)',
      'warning spec.trigger.config.channelz: "channelz" is not a known field (did you mean "channels"?); it is passed to the platform plugin as it is',
    ]);
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps loading other files when one is broken', async () => {
    const loaded = await loadResourceFiles([
      path.join(errors, 'wrong-types.yaml'),
      path.join(errors, 'does-not-exist.yaml'),
      path.join(errors, 'unknown-fields.yaml'),
      k8sOps,
    ], { env: {} });
    assert.ok(hasErrors(loaded.problems));
    assert.equal(problemAt(loaded.problems, path.join(errors, 'does-not-exist.yaml'), undefined).code, 'AOF_ERR_CONFIG_NOT_FOUND');
    assert.deepEqual(loaded.flows.map((f) => f.flow.metadata.name), ['unknown-fields']);
    assert.deepEqual(loaded.agents.map((a) => a.agent.metadata.name), ['k8s-ops']);
  });

  it('formats problems with and without a position', () => {
    const base = { severity: 'warning', code: 'AOF_ERR_CONFIG_NOT_FOUND', message: 'gone', file: '/x/d.yaml' } as const;
    assert.equal(formatProblem(base), '/x/d.yaml: warning AOF_ERR_CONFIG_NOT_FOUND: gone');
    assert.equal(formatProblem({ ...base, line: 3, column: 7, path: 'spec.a[0]' }), '/x/d.yaml:3:7: warning AOF_ERR_CONFIG_NOT_FOUND at spec.a[0]: gone');
    assert.equal(hasErrors([base]), false);
    assert.equal(hasErrors([base, { ...base, severity: 'error' }]), true);
  });

  it('warns about an unquoted id too large to keep exactly', async () => {
    const file = path.join(errors, 'large-id.yaml');
    const loaded = await loadResourceFiles([file, k8sOps], { env: {} });
    assert.deepEqual(errorsOf(loaded.problems), []);
    const warning = problemAt(loaded.problems, file, 'spec.trigger.config.channels[0]');
    assert.match(warning.message, /too large to keep exactly .* quote it/);
    assert.deepEqual([warning.line, warning.column], [locate(file, '123456789012345678').line, locate(file, '123456789012345678').column]);
    assert.equal(warningsOf(loaded.problems).length, 1);
    assert.deepEqual(loaded.flows[0]?.flow.spec.trigger?.config?.channels?.slice(1), ['223456789012345678', '42']);
  });

  it('reads merge keys, and reports an alias bomb without expanding it', async () => {
    const file = path.join(errors, 'aliases.yaml');
    const loaded = await loadResourceFiles([file], { env: {} });
    assert.deepEqual(loaded.agents.map((a) => a.agent.spec), [{ model: 'command', tools: ['kubectl'], max_iterations: 3 }]);
    const [bomb, ...rest] = errorsOf(loaded.problems);
    assert.deepEqual(rest, []);
    assert.equal(bomb?.code, 'AOF_ERR_CONFIG_PARSE');
    assert.equal(bomb?.line, locate(file, 'a: &a').line);
    assert.match(bomb?.message ?? '', /alias count/);
  });
});
