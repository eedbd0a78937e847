import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ErrorCode, isAofError } from '@aof/api';
import { waitFor } from '@aof/testkit';
import { startTestKernel } from '../contract/start-test-kernel.js';

/** Boots a kernel with only the WhatsApp plugin and returns the load errors (none when it boots). */
async function loadErrors(config: Record<string, unknown>): Promise<Error[]> {
  try {
    const kernel = await startTestKernel({ plugins: [{ use: 'whatsapp', config }] });
    await kernel.stop();
    return [];
  } catch (error) {
    return error instanceof AggregateError ? error.errors as Error[] : [error as Error];
  }
}

const CLOUD = { access_token: 'EAAG-secret-token-value', app_secret: 'app-secret-value', verify_token: 'verify-token-value' };

describe('WhatsApp plugin config', () => {
  it('boots in cloud mode with the three secrets, ignoring keys meant for others', async () => {
    assert.deepEqual(await loadErrors({ ...CLOUD, approval_allowed_users: ['16505551234'] }), []);
  });

  it('takes a phone_number_id that YAML read as a number, and chat lists of numbers', async () => {
    assert.deepEqual(await loadErrors({ ...CLOUD, phone_number_id: 106540352242922, allowed_chats: [16505551234, 'Y2FwaV9ncm91cDox'] }), []);
  });

  it('boots in web mode with no secrets; a Chromium that cannot start is logged and retried, not fatal', async () => {
    const sessionDir = mkdtempSync(path.join(tmpdir(), 'aof-wa-'));
    // The real whatsapp-web.js, pointed at a browser that does not exist: nothing is downloaded or launched.
    const kernel = await startTestKernel({ plugins: [{ use: 'whatsapp', config: { mode: 'web', session_dir: sessionDir, chromium_path: path.join(sessionDir, 'no-chromium') } }] });
    try {
      const line = await waitFor('the reconnect warning', () => kernel.logs.find((entry) => entry.includes('WhatsApp Web could not start; reconnecting')), 15_000);
      assert.match(line, /"level":"warn"/);
      assert.deepEqual(kernel.platform('whatsapp').approvalModes, ['reaction']);
    } finally {
      await kernel.stop();
      rmSync(sessionDir, { recursive: true, force: true });
    }
  });

  const invalid: Array<[string, Record<string, unknown>]> = [
    ['no app secret in cloud mode', { access_token: CLOUD.access_token, verify_token: CLOUD.verify_token }],
    ['no verify token in cloud mode', { access_token: CLOUD.access_token, app_secret: CLOUD.app_secret }],
    ['no access token in cloud mode', { app_secret: CLOUD.app_secret, verify_token: CLOUD.verify_token }],
    ['an unknown mode', { ...CLOUD, mode: 'business' }],
    ['a relative path', { ...CLOUD, path: 'webhooks/whatsapp' }],
    ['a graph_url that is not http(s)', { ...CLOUD, graph_url: 'graph.facebook.com' }],
    ['a malformed graph_version', { ...CLOUD, graph_version: '21' }],
    ['a negative max_age_secs', { ...CLOUD, max_age_secs: -1 }],
  ];
  for (const [label, config] of invalid) {
    it(`refuses ${label} before any plugin code runs, naming the plugin but no secret`, async () => {
      const errors = await loadErrors(config);
      assert.equal(errors.length, 1);
      const error = errors[0];
      assert.ok(isAofError(error, ErrorCode.PLUGIN_CONFIG_INVALID), String(error));
      assert.equal(error.plugin, 'whatsapp');
      assert.doesNotMatch(error.message, /EAAG-secret-token-value|app-secret-value|verify-token-value/);
    });
  }
});
