import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runTask } from '../../sandbox/agent-loop.js';
import { createNodeHost } from '../../sandbox/node-host.js';
import { builtinModules, fakeCliLog, fakePath, makeTask, type BuiltinModules } from '../sandbox/task-fixtures.js';

const host = createNodeHost();
let modules: BuiltinModules;
let log: Awaited<ReturnType<typeof fakeCliLog>>;

before(async () => {
  modules = await builtinModules();
  log = await fakeCliLog();
});
after(() => log.cleanup());

function task(text: string, tools = ['kubectl', 'helm']) {
  return makeTask(modules, { message: { text }, agent: { tools }, flow: { env: { PATH: fakePath, FAKE_KUBECTL_LOG: log.file } } });
}

test('"kubectl get pods -n staging" runs kubectl with exactly that argv and answers with its output', async () => {
  const before = (await log.calls()).length;
  const result = await runTask(task('kubectl get pods -n staging'), host);
  assert.equal(result.status, 'ok');
  assert.match(result.reply, /^NAME +READY +STATUS/);
  assert.match(result.reply, /# staging/);
  assert.deepEqual(result.usage, { inputTokens: 0, outputTokens: 0 });
  const calls = (await log.calls()).slice(before);
  assert.deepEqual(calls.map((c) => c.argv), [['get', 'pods', '-n', 'staging']]);
});

test('quoted arguments stay one argument and are never run by a shell', async () => {
  const before = (await log.calls()).length;
  await runTask(task(`kubectl annotate pod web "note=hello world" 'x=$(id)' a\\ b`), host);
  const calls = (await log.calls()).slice(before);
  assert.deepEqual(calls.map((c) => c.argv), [['annotate', 'pod', 'web', 'note=hello world', 'x=$(id)', 'a b']]);
});

test('an unknown tool gets a reply listing the agent tools', async () => {
  const result = await runTask(task('terraform plan'), host);
  assert.equal(result.status, 'ok');
  assert.match(result.reply, /"terraform" is not a tool I can run here/);
  assert.match(result.reply, /kubectl, helm/);
  assert.deepEqual(result.toolCalls, []);
});

test('policy applies to typed commands exactly as to model tool calls', async () => {
  const result = await runTask(makeTask(modules, {
    message: { text: 'kubectl delete pod web' },
    agent: { toolConfig: { kubectl: { allowed_commands: ['get', 'describe', 'logs'] } } },
  }), host);
  assert.match(result.reply, /^Refused by policy: "kubectl delete" is not allowed; allowed commands: get, describe, logs$/);
});

test('a read-only flow cannot write by hiding the verb behind a flag, nor read host files or other namespaces', async () => {
  const readOnly = { kubectl: { allowed_commands: ['get'], allowed_namespaces: ['team-a'] } };
  const run = (text: string, namespace?: string) => runTask(makeTask(modules, {
    message: { text },
    agent: { toolConfig: readOnly },
    flow: { env: { PATH: fakePath, FAKE_KUBECTL_LOG: log.file }, ...(namespace !== undefined && { namespace }) },
  }), host);
  const before = (await log.calls()).length;
  for (const text of [
    'kubectl --raw get delete --raw /api/v1/namespaces/kube-system/pods',
    `kubectl --field-manager get patch pod web -p '{"metadata":{"labels":{"x":"1"}}}'`,
    'kubectl get pods -o go-template-file=/proc/1/environ',
    'kubectl get --raw /api/v1/namespaces/kube-system/secrets',
  ]) {
    const result = await run(text, 'team-a');
    assert.match(result.reply, /^Refused by policy: /, text);
  }
  assert.match((await run('kubectl get secrets')).reply, /^Refused by policy: name the namespace \(-n\)/, 'no context.namespace: the kubeconfig default is unchecked');
  assert.deepEqual((await log.calls()).slice(before), [], 'kubectl never ran');
  const allowed = await run('kubectl get pods', 'team-a');
  assert.match(allowed.reply, /# team-a/);
  assert.deepEqual((await log.calls()).slice(before).map((c) => c.argv), [['--namespace=team-a', 'get', 'pods']]);
});

test('words split like a shell splits them, metacharacters stay literal', async () => {
  const cases: Array<[string, string[]]> = [
    ['kubectl   get   pods  ', ['get', 'pods']],
    [`kubectl a 'd "e"' "f \\"g\\"" ""`, ['a', 'd "e"', 'f "g"', '']],
    ['kubectl logs “web pod”', ['logs', 'web pod']],
    ['kubectl a;b|c>d $(id)', ['a;b|c>d', '$(id)']],
  ];
  for (const [text, argv] of cases) {
    const before = (await log.calls()).length;
    await runTask(task(text), host);
    assert.deepEqual((await log.calls()).slice(before).map((c) => c.argv), [argv], text);
  }
});

test('an unterminated quote gets a reply instead of a guess', async () => {
  const result = await runTask(task('kubectl get "pods'), host);
  assert.equal(result.reply, 'I could not read that command: unterminated " quote.');
  assert.deepEqual(result.toolCalls, []);
});
