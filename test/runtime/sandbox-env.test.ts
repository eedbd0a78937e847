import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxEnv, sandboxPermissions } from '../../core/runtime/sandbox-env.js';
import { loadedFlow, SECRETS } from './support.js';

const daemon = {
  PATH: '/usr/local/bin:/usr/bin',
  HOME: '/home/aof',
  LANG: 'en_US.UTF-8',
  TZ: 'UTC',
  HTTPS_PROXY: 'http://proxy:3128',
  no_proxy: 'localhost',
  LC_ALL: undefined,
  NODE_OPTIONS: '--inspect',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  ...SECRETS,
};

describe('sandboxEnv', () => {
  it('is the allowlist (only what is set), the flow env, KUBECONFIG and the AOF_ variables: nothing else', () => {
    const flow = loadedFlow('prod-k8s-flow', {
      context: { kubeconfig: '/etc/aof/prod.kubeconfig', namespace: 'production', cluster_name: 'prod-eu', env: { CLUSTER_REGION: 'eu-west-1', TEAM: 'sre' } },
    });
    assert.deepEqual(sandboxEnv(flow, daemon), {
      PATH: '/usr/local/bin:/usr/bin',
      HOME: '/home/aof',
      LANG: 'en_US.UTF-8',
      TZ: 'UTC',
      HTTPS_PROXY: 'http://proxy:3128',
      no_proxy: 'localhost',
      CLUSTER_REGION: 'eu-west-1',
      TEAM: 'sre',
      KUBECONFIG: '/etc/aof/prod.kubeconfig',
      AOF_FLOW: 'prod-k8s-flow',
      AOF_NAMESPACE: 'production',
      AOF_CLUSTER_NAME: 'prod-eu',
    });
  });

  it('lets a flow set its own PATH but never the variables the kernel owns', () => {
    const flow = loadedFlow('sneaky', { context: { kubeconfig: '/right', env: { PATH: '/opt/tools/bin', AOF_FLOW: 'someone-else', KUBECONFIG: '/wrong' } } });
    const env = sandboxEnv(flow, daemon);
    assert.equal(env.PATH, '/opt/tools/bin');
    assert.equal(env.AOF_FLOW, 'sneaky');
    assert.equal(env.KUBECONFIG, '/right');
    assert.equal(env.AOF_NAMESPACE, undefined);
  });
});

describe('sandboxPermissions', () => {
  const descriptors = [
    { name: 'kubectl', description: '', module: 'k', binaries: ['kubectl'] },
    { name: 'helm', description: '', module: 'h', binaries: ['helm'] },
    { name: 'http', description: '', module: 'x' },
  ];

  it('runs only the binaries of the tools the agents may call, reaches only their hosts, reads only the env it has', () => {
    const permissions = sandboxPermissions([
      { tools: ['kubectl', 'http'], toolConfig: { http: { allowed_hosts: ['Status.Example.com', '*.svc.local'] } }, baseUrl: 'https://api.openai.com/v1' },
      { tools: ['kubectl'], toolConfig: {}, baseUrl: 'not a url' },
    ], descriptors, { PATH: '/bin', AOF_FLOW: 'f' });
    assert.deepEqual(permissions, {
      run: ['kubectl'],
      net: ['*.svc.local', 'api.openai.com', 'status.example.com'],
      env: ['AOF_FLOW', 'PATH'],
    });
  });

  it('ignores http allowed_hosts when the agent may not call http', () => {
    const permissions = sandboxPermissions([{ tools: ['helm'], toolConfig: { http: { allowed_hosts: ['evil.example.com'] } } }], descriptors, {});
    assert.deepEqual(permissions, { run: ['helm'], net: [], env: [] });
  });

  it('lets the shell tool run exactly its allowed_binaries, and only when the agent may call shell', () => {
    const shell = sandboxPermissions([{ tools: ['shell'], toolConfig: { shell: { allowed_binaries: ['uptime', 'df', ''] } } }], descriptors, {});
    assert.deepEqual(shell.run, ['df', 'uptime']);
    const noShell = sandboxPermissions([{ tools: ['kubectl'], toolConfig: { shell: { allowed_binaries: ['cat'] } } }], descriptors, {});
    assert.deepEqual(noShell.run, ['kubectl']);
  });
});
