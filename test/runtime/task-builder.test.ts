import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskBuildError, TaskBuilder } from '../../core/runtime/task-builder.js';
import { checkToolCall } from '../../sandbox/policy.js';
import { daemonSpec, inbound, loadedAgent, loadedFlow } from './support.js';

const tools = [
  { name: 'kubectl', description: '', module: 'file:///plugins/kubectl/worker.js', binaries: ['kubectl'] },
  { name: 'helm', description: '', module: 'file:///plugins/helm/worker.js', binaries: ['helm'] },
  { name: 'echo', description: '', module: 'file:///plugins/echo/worker.js' },
  { name: 'kubectl', description: 'a second plugin for the same tool', module: 'file:///other/kubectl.js' },
];
const models = [
  { providers: ['command'], module: 'file:///plugins/command/worker.js' },
  { providers: ['openai', 'ollama'], module: 'file:///plugins/openai/worker.js', defaultBaseUrls: { openai: 'https://api.openai.com/v1' } },
];
const builder = (taskTimeoutSecs = 300) => new TaskBuilder({
  runtime: daemonSpec({ task_timeout_secs: taskTimeoutSecs }).runtime,
  tools,
  models,
  env: { OPENAI_API_KEY: 'sk-from-daemon' },
});

describe('TaskBuilder.plan', () => {
  it('holds a shell that runs kubectl to kubectl\'s settings when the flow narrowed the agent to shell', () => {
    const agent = loadedAgent('ops', {
      model: 'command',
      tools: ['kubectl', 'shell'],
      tool_config: { kubectl: { allowed_commands: ['get'], allowed_namespaces: ['team-a'] }, shell: { allowed_binaries: ['kubectl', 'df'] } },
    });
    const { agent: planned } = builder().plan(loadedFlow('f', { agents: [{ name: 'ops', tools: ['shell'] }] }), 'ops', agent);
    const call = (argv: string[]) => checkToolCall({ tool: 'shell', args: { argv }, allowedTools: planned.tools, toolConfig: planned.toolConfig });
    assert.deepEqual(call(['kubectl', 'delete', 'pods', '--all', '-n', 'kube-system']), { allowed: false, reason: '"kubectl delete" is not allowed; allowed commands: get' });
    assert.deepEqual(call(['kubectl', 'get', 'pods']).allowed, false, 'no default namespace through a shell: it must name one');
    assert.deepEqual(call(['kubectl', 'get', 'pods', '-n', 'team-a']), { allowed: true });
    assert.deepEqual(call(['df', '-h']), { allowed: true });
  });

  it("uses the model plugin's default base URL when the agent sets none, so sandbox permissions name that host", () => {
    const plan = builder().plan(loadedFlow('f', { agents: [{ name: 'a' }] }), 'a', loadedAgent('a', { model: 'openai:gpt-4o' }));
    assert.equal(plan.agent.baseUrl, 'https://api.openai.com/v1');
    const ollama = builder().plan(loadedFlow('f', { agents: [{ name: 'a' }] }), 'a', loadedAgent('a', { model: 'ollama:llama3.1' }));
    assert.equal(ollama.agent.baseUrl, undefined);
  });

  it('narrows the agent by its flow entry: tool intersection, tool_config merged per tool (all of them), max_tokens capped', () => {
    const agent = loadedAgent('k8s-ops', {
      model: 'openai:gpt-4o',
      instructions: 'Be careful.',
      tools: ['kubectl', 'helm', 'echo'],
      tool_config: { kubectl: { allowed_commands: ['get', 'describe', 'delete'], allowed_namespaces: ['a', 'b'] }, helm: { allowed_commands: ['list'] } },
      max_iterations: 4,
      temperature: 0.2,
      max_tokens: 8000,
      base_url: 'https://llm.example.com/v1',
      api_key_env: 'OPENAI_API_KEY',
    });
    const flow = loadedFlow('prod', {
      agents: [{ name: 'k8s-ops', tools: ['kubectl', 'shell'], tool_config: { kubectl: { allowed_commands: ['get'] } } }],
      limits: { max_tokens_per_request: 2048 },
    });
    const plan = builder().plan(flow, 'k8s-ops', agent);
    assert.deepEqual(plan.agent, {
      name: 'k8s-ops',
      model: 'openai:gpt-4o',
      systemPrompt: 'Be careful.',
      tools: ['kubectl'],
      // helm's settings stay although helm was narrowed away: a shell running helm is held to them.
      toolConfig: { kubectl: { allowed_commands: ['get'], allowed_namespaces: ['a', 'b'] }, helm: { allowed_commands: ['list'] } },
      maxIterations: 4,
      temperature: 0.2,
      maxTokens: 2048,
      baseUrl: 'https://llm.example.com/v1',
      apiKey: 'sk-from-daemon',
    });
    assert.deepEqual(plan.modules, { tools: { kubectl: 'file:///plugins/kubectl/worker.js' }, model: 'file:///plugins/openai/worker.js' });
  });

  it("uses the flow's tool list when the agent lists none, and the agent's when the flow entry lists none", () => {
    const bare = loadedAgent('bare', { tools: undefined });
    assert.deepEqual(builder().plan(loadedFlow('f', { agents: [{ name: 'bare', tools: ['echo', 'helm'] }] }), 'bare', bare).agent.tools, ['echo', 'helm']);
    const own = loadedAgent('own', { tools: ['kubectl', 'echo'] });
    const plan = builder().plan(loadedFlow('f', { agents: [{ name: 'own' }] }), 'own', own);
    assert.deepEqual(plan.agent.tools, ['kubectl', 'echo']);
    assert.equal(plan.agent.maxTokens, undefined);
    assert.equal(plan.agent.apiKey, undefined);
    assert.deepEqual(plan.modules.model, 'file:///plugins/command/worker.js');
  });

  it('finds the model module by provider, several providers per plugin', () => {
    const ollama = loadedAgent('local', { model: 'ollama:llama3.1:8b' });
    assert.equal(builder().plan(loadedFlow('f'), 'local', ollama).modules.model, 'file:///plugins/openai/worker.js');
  });

  it('an unknown provider is a TaskBuildError naming the installed ones', () => {
    const agent = loadedAgent('claude', { model: 'anthropic:claude-sonnet-4-5' });
    assert.throws(() => builder().plan(loadedFlow('f'), 'claude', agent), (error: unknown) => {
      assert.ok(error instanceof TaskBuildError);
      assert.equal(error.code, 'model_provider_missing');
      assert.equal(error.message, 'agent claude: model provider "anthropic" is not installed; installed: command, openai, ollama');
      assert.match(error.reply, /^Agent claude cannot run: model provider "anthropic" is not installed/);
      return true;
    });
  });
});

describe('TaskBuilder.request', () => {
  it('carries the sandbox env, the message, history and limits; the tool timeout never outlives the task', () => {
    const flow = loadedFlow('staging', { context: { namespace: 'staging', cluster_name: 'stg' } });
    const taskBuilder = builder(20);
    const plan = taskBuilder.plan(flow, 'k8s-ops', loadedAgent('k8s-ops'));
    const history = [{ role: 'user' as const, content: 'earlier' }];
    const request = taskBuilder.request({
      requestId: 'req-1',
      flow,
      plan,
      env: { PATH: '/bin', AOF_FLOW: 'staging' },
      message: inbound('kubectl get pods', { thread: 'T-9', channel: { id: 'C9' }, user: { id: 'U9', name: 'dana' } }),
      history,
    });
    assert.deepEqual(request, {
      taskId: 'req-1',
      flow: { name: 'staging', env: { PATH: '/bin', AOF_FLOW: 'staging' }, namespace: 'staging', cluster: 'stg' },
      agent: plan.agent,
      modules: plan.modules,
      message: { text: 'kubectl get pods', user: { id: 'U9', name: 'dana' }, channel: { id: 'C9' }, thread: 'T-9' },
      history,
      toolTimeoutMs: 20_000,
      maxOutputBytes: 65_536,
      taskTimeoutMs: 20_000,
    });
    assert.equal(builder().request({ requestId: 'r', flow, plan, env: {}, message: inbound('x'), history: [] }).toolTimeoutMs, 60_000);
  });
});
