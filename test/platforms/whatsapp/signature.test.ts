import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { signHubPayload, verifyHubSignature, verifyTokenMatches } from '@aof/plugin-whatsapp';
import { sharedFixturesDir } from '../../helpers/paths.js';

const body = readFileSync(path.join(sharedFixturesDir, 'platforms', 'whatsapp', 'webhook_text_message.json'));
const secret = 'meta-app-secret-for-the-test';
/** Computed here with Node's HMAC directly, not with the plugin's signer. */
const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('X-Hub-Signature-256', () => {
  it('signs the raw body with HMAC-SHA256 of the app secret', () => {
    assert.equal(signHubPayload(secret, body), expected);
    assert.equal(signHubPayload(secret, body.toString('utf8')), expected);
  });

  it('accepts the right signature over the exact bytes', () => {
    assert.deepEqual(verifyHubSignature({ signature: expected, rawBody: body, appSecret: secret }), { ok: true });
  });

  it('refuses another secret, a changed body, and a malformed header as a mismatch', () => {
    const mismatch = { ok: false, reason: 'mismatch' };
    assert.deepEqual(verifyHubSignature({ signature: expected, rawBody: body, appSecret: 'another-secret' }), mismatch);
    // Meta signs the bytes it sent: re-serialized JSON (the same data) does not verify.
    const reserialized = JSON.stringify(JSON.parse(body.toString('utf8')));
    assert.deepEqual(verifyHubSignature({ signature: expected, rawBody: reserialized, appSecret: secret }), mismatch);
    assert.deepEqual(verifyHubSignature({ signature: expected.slice(0, -2), rawBody: body, appSecret: secret }), mismatch);
    assert.deepEqual(verifyHubSignature({ signature: expected.slice(0, -1), rawBody: body, appSecret: secret }), mismatch);
    assert.deepEqual(verifyHubSignature({ signature: expected.replace('sha256=', 'sha1='), rawBody: body, appSecret: secret }), mismatch);
    assert.deepEqual(verifyHubSignature({ signature: 'sha256=not-hex-at-all', rawBody: body, appSecret: secret }), mismatch);
    // Buffer's hex decoding stops at the first non-hex character: the header must be the signature and nothing else.
    for (const trailer of ['0', 'zz', ' junk', `, ${expected}`]) {
      assert.deepEqual(verifyHubSignature({ signature: `${expected}${trailer}`, rawBody: body, appSecret: secret }), mismatch, `signature + ${JSON.stringify(trailer)}`);
    }
  });

  it('reports a missing header as missing', () => {
    assert.deepEqual(verifyHubSignature({ signature: undefined, rawBody: body, appSecret: secret }), { ok: false, reason: 'missing' });
    assert.deepEqual(verifyHubSignature({ signature: '', rawBody: body, appSecret: secret }), { ok: false, reason: 'missing' });
  });

  it('never verifies against an empty secret, which anyone could sign with', () => {
    assert.deepEqual(verifyHubSignature({ signature: signHubPayload('', body), rawBody: body, appSecret: '' }), { ok: false, reason: 'mismatch' });
  });
});

describe('verification handshake token', () => {
  it('matches only the exact token', () => {
    assert.equal(verifyTokenMatches('vibecoding', 'vibecoding'), true);
    assert.equal(verifyTokenMatches('vibecodinG', 'vibecoding'), false);
    assert.equal(verifyTokenMatches('vibecoding-and-more', 'vibecoding'), false);
    assert.equal(verifyTokenMatches('', 'vibecoding'), false);
    assert.equal(verifyTokenMatches(undefined, 'vibecoding'), false);
    assert.equal(verifyTokenMatches('', ''), false);
  });
});
