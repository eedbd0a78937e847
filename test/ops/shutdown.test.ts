import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon-process.js';
import { fakeBinDir, postLocal } from '../helpers/daemon.js';
import { copyDeployment, waitFor, type Deployment } from './support.js';

async function start(deployment: Deployment): Promise<{ daemon: DaemonProcess; kubectlLog: string }> {
  const kubectlLog = path.join(await mkdtemp(path.join(tmpdir(), 'aof-shutdown-')), 'kubectl.jsonl');
  const daemon = await startDaemonProcess(['--config', deployment.configPath, '--host', '127.0.0.1'], {
    PATH: `${fakeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
    FAKE_KUBECTL_LOG: kubectlLog,
  });
  return { daemon, kubectlLog };
}

async function callsStarted(kubectlLog: string): Promise<number> {
  return (await readFile(kubectlLog, 'utf8').catch(() => '')).split('\n').filter((line) => line.trim() !== '').length;
}

describe('graceful shutdown of node core/main.js', () => {
  it('on SIGTERM turns not-ready, refuses new messages with 503, answers the 5 running tasks and exits 0', async () => {
    const deployment = await copyDeployment();
    const { daemon, kubectlLog } = await start(deployment);
    try {
      const running = ['u1', 'u2', 'u3', 'u4', 'u5'].map((user) => postLocal(daemon.url, { channel: 'ops', user, text: 'kubectl wait 1500' }));
      await waitFor(async () => (await callsStarted(kubectlLog)) === 5, 'five tasks to run');
      const exited = daemon.stop('SIGTERM');

      await waitFor(async () => (await fetch(`${daemon.url}/readyz`)).status === 503, '/readyz to turn not-ready');
      const readyz = await fetch(`${daemon.url}/readyz`);
      assert.deepEqual(await readyz.json(), { status: 'not_ready', reasons: ['shutting down'] });
      const refused = await postLocal(daemon.url, { channel: 'ops', user: 'late', text: 'kubectl get pods' });
      assert.equal(refused.status, 503);
      assert.equal((refused.body as unknown as { error: string }).error, 'unavailable');
      assert.equal((await fetch(`${daemon.url}/healthz`)).status, 200);

      const replies = await Promise.all(running);
      for (const { status, body } of replies) {
        assert.equal(status, 200);
        assert.equal(body.status, 'ok');
        assert.match(body.reply ?? '', /waited 1500 ms/);
      }
      assert.equal(await exited, 0);
      assert.equal(await callsStarted(kubectlLog), 5, 'the refused message ran nothing');
      assert.ok(daemon.logs.some((l) => l.msg === 'daemon stopped'));
      assert.equal(daemon.logs.filter((l) => l.msg === 'request').length, 5);
    } finally {
      await daemon.stop('SIGKILL');
      await deployment.remove();
    }
  });

  it('stops tasks that outlive server.shutdown_grace_secs, answers them, and still exits 0', async () => {
    const deployment = await copyDeployment({ server: { shutdown_grace_secs: 1 } });
    const { daemon, kubectlLog } = await start(deployment);
    try {
      // Bounded rather than `sleep`: a tool process the stop leaves behind must not outlive the test run for long.
      const stuck = postLocal(daemon.url, { channel: 'ops', user: 'alice', text: 'kubectl wait 15000' });
      await waitFor(async () => (await callsStarted(kubectlLog)) === 1, 'the task to run');
      const started = Date.now();
      assert.equal(await daemon.stop('SIGTERM'), 0);
      assert.ok(Date.now() - started < 10_000, 'the grace period bounds the drain');
      const { body } = await stuck;
      assert.equal(body.status, 'error');
      assert.match(body.reply ?? '', /restarting/);
    } finally {
      await daemon.stop('SIGKILL');
      await deployment.remove();
    }
  });

  it('exits at once with a non-zero code on a second signal', async () => {
    const deployment = await copyDeployment();
    const { daemon, kubectlLog } = await start(deployment);
    try {
      void postLocal(daemon.url, { channel: 'ops', user: 'alice', text: 'kubectl wait 15000' }).catch(() => undefined);
      await waitFor(async () => (await callsStarted(kubectlLog)) === 1, 'the task to run');
      const exited = new Promise<number | null>((resolve) => daemon.child.once('exit', (code) => resolve(code)));
      daemon.child.kill('SIGTERM');
      await waitFor(() => daemon.logs.some((l) => l.msg === 'shutting down'), 'the first signal to be seen');
      daemon.child.kill('SIGTERM');
      assert.equal(await exited, 1);
    } finally {
      await daemon.stop('SIGKILL');
      await deployment.remove();
    }
  });
});

describe('SIGHUP', () => {
  it('reloads flows, agents, routing and limits', async () => {
    const deployment = await copyDeployment();
    const { daemon } = await start(deployment);
    try {
      assert.equal((await postLocal(daemon.url, { channel: 'hup', user: 'a', text: 'echo hi' })).body.flow, '_default');
      await deployment.writeFlow('hup.yaml', ['apiVersion: aof.dev/v1', 'kind: AgentFlow', 'metadata: { name: hup-flow }',
        'spec:', '  trigger: { type: Local, config: { channels: [hup] } }', '  agents: [{ name: general }]', ''].join('\n'));
      daemon.child.kill('SIGHUP');
      await waitFor(() => daemon.logs.some((l) => l.msg === 'configuration reloaded' && l.trigger === 'SIGHUP'), 'the reload');
      assert.equal((await postLocal(daemon.url, { channel: 'hup', user: 'a', text: 'echo hi' })).body.flow, 'hup-flow');
    } finally {
      assert.equal(await daemon.stop('SIGTERM'), 0);
      await deployment.remove();
    }
  });
});
