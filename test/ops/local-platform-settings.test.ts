/**
 * The local platform's settings as an operator would rely on them: it can be turned off, a
 * token_env that names no variable is said, and a reply after a wait that timed out is pending
 * (not unknown). Also: aofctl never sends the admin token to a host other than --server's.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { loadConfig } from '../../core/config/load-config.js';
import { postLocal } from '../helpers/daemon.js';
import { aofctl } from '../helpers/cli.js';
import { copyDeployment, startOpsDaemon } from './support.js';

describe('the local platform\'s settings', () => {
  it('is not served with platforms.local.enabled: false', async () => {
    const t = await startOpsDaemon(await copyDeployment({ platforms: { local: { enabled: false } } }));
    try {
      assert.equal((await postLocal(t.url, { channel: 'ops', user: 'alice', text: 'kubectl get pods' })).status, 404);
      assert.ok(!t.daemon.config().enabledPlatforms.includes('local'));
    } finally {
      await t.stop();
    }
  });

  it('says so when its token_env names a variable that is not set', async () => {
    const deployment = await copyDeployment({ platforms: { local: { token_env: 'LOCAL_TOKEN_TYPO' } } });
    try {
      const config = await loadConfig(deployment.configPath, { env: {} });
      const warning = config.problems.find((p) => p.path === 'spec.platforms.local.token_env');
      assert.equal(warning?.message, 'platform local: LOCAL_TOKEN_TYPO is not set, so it has no token and answers loopback clients only');
    } finally {
      await deployment.remove();
    }
  });

  it('keeps a message whose wait timed out as pending, then its answer', async () => {
    const t = await startOpsDaemon(await copyDeployment({ platforms: { local: { wait_timeout_secs: 0.3 } } }));
    try {
      const waited = await postLocal(t.url, { channel: 'ops', user: 'alice', text: 'kubectl wait 1200' });
      assert.deepEqual([waited.status, waited.body.status], [202, 'pending']);
      const early = await fetch(`${t.url}/platforms/local/messages/${waited.body.id}`);
      assert.equal(early.status, 200);
      assert.equal(((await early.json()) as { status: string }).status, 'pending');
      for (let i = 0; i < 100; i++) {
        const record = (await (await fetch(`${t.url}/platforms/local/messages/${waited.body.id}`)).json()) as { status: string };
        if (record.status === 'ok') return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.fail('the answer never arrived');
    } finally {
      await t.stop();
    }
  });
});

describe('aofctl --server', () => {
  it('sends the admin token only to the host it names, whatever its path', async () => {
    const seen: string[] = [];
    const other = http.createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
      response.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      // A path starting with // would have made the rest of it a host of its own.
      const run = await aofctl(['get', 'flows', '--server', `http://127.0.0.1:9//127.0.0.1:${port}/admin`, '--token', 'admin-token-xyz']);
      assert.notEqual(run.code, 0);
      assert.deepEqual(seen, [], 'the other host saw nothing');
    } finally {
      other.close();
    }
  });
});
