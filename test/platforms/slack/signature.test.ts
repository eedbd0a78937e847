import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MAX_CLOCK_SKEW_SECS, signSlackRequest, verifySlackSignature } from '@aof/plugin-slack';
import { sharedFixturesDir } from '../../helpers/paths.js';

interface SignatureVector {
  signing_secret: string;
  timestamp: string;
  body: string;
  basestring: string;
  signature: string;
}

const vector = JSON.parse(readFileSync(path.join(sharedFixturesDir, 'platforms', 'slack', 'signature_vector.json'), 'utf8')) as SignatureVector;
const sentAt = Number(vector.timestamp);

const APP_SIGNER = { ok: true, signer: { secret: vector.signing_secret } };

function verifyAt(nowSecs: number, overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}): ReturnType<typeof verifySlackSignature> {
  return verifySlackSignature({
    timestamp: vector.timestamp,
    signature: vector.signature,
    rawBody: vector.body,
    secrets: [{ secret: vector.signing_secret }],
    nowSecs,
    ...overrides,
  });
}

describe("Slack's documented signing vector", () => {
  it('signs the documented base string to the documented signature', () => {
    assert.equal(vector.basestring, `v0:${vector.timestamp}:${vector.body}`);
    assert.equal(signSlackRequest(vector.signing_secret, vector.timestamp, vector.body), vector.signature);
  });

  it('verifies with the clock at its timestamp and at the edge of the five-minute window', () => {
    assert.deepEqual(verifyAt(sentAt), APP_SIGNER);
    assert.deepEqual(verifyAt(sentAt + MAX_CLOCK_SKEW_SECS), APP_SIGNER);
    assert.deepEqual(verifyAt(sentAt - MAX_CLOCK_SKEW_SECS), APP_SIGNER);
  });

  it('fails one second past the window, either way', () => {
    assert.equal(MAX_CLOCK_SKEW_SECS, 300);
    assert.deepEqual(verifyAt(sentAt + MAX_CLOCK_SKEW_SECS + 1), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyAt(sentAt - MAX_CLOCK_SKEW_SECS - 1), { ok: false, reason: 'stale' });
  });

  it('verifies the raw bytes: any change to the body, secret or signature is a mismatch', () => {
    assert.deepEqual(verifyAt(sentAt, { rawBody: vector.body.replace('text=', 'text=rm') }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyAt(sentAt, { rawBody: `${vector.body}\n` }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyAt(sentAt, { secrets: [{ secret: 'another-secret' }] }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyAt(sentAt, { signature: vector.signature.slice(0, -2) }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyAt(sentAt, { signature: vector.signature.replace('v0=', 'v1=') }), { ok: false, reason: 'mismatch' });
    // Buffer's hex decoding stops at the first non-hex character: the header must be the signature and nothing else.
    for (const trailer of ['0', 'zz', ' junk', `, ${vector.signature}`]) {
      assert.deepEqual(verifyAt(sentAt, { signature: `${vector.signature}${trailer}` }), { ok: false, reason: 'mismatch' }, `signature + ${JSON.stringify(trailer)}`);
    }
    assert.equal(verifyAt(sentAt, { signature: vector.signature.toUpperCase().replace('V0=', 'v0=') }).ok, true, 'hex in either case');
    assert.deepEqual(verifyAt(sentAt, { rawBody: Buffer.from(vector.body) }), APP_SIGNER);
  });

  it('reports missing headers and malformed timestamps', () => {
    assert.deepEqual(verifyAt(sentAt, { signature: undefined }), { ok: false, reason: 'missing' });
    assert.deepEqual(verifyAt(sentAt, { timestamp: '' }), { ok: false, reason: 'missing' });
    assert.deepEqual(verifyAt(sentAt, { timestamp: '1531420618.5' }), { ok: false, reason: 'stale' });
  });

  it('tries every configured secret and says which workspace, or which flows\' secret, vouched', () => {
    const secrets = [{ secret: 'app-wide-secret' }, { secret: 'team-a-secret', team: 'TA' }, { secret: vector.signing_secret, team: 'T1DC2JH3J' }];
    assert.deepEqual(verifyAt(sentAt, { secrets }), { ok: true, team: 'T1DC2JH3J', signer: secrets[2] });
    const flowSecret = { secret: vector.signing_secret, flows: ['org-a-flow'], botTokens: ['xoxb-a'] };
    assert.deepEqual(verifyAt(sentAt, { secrets: [...secrets.slice(0, 2), flowSecret] }), { ok: true, signer: flowSecret });
    assert.deepEqual(verifyAt(sentAt, { secrets: secrets.slice(0, 2) }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyAt(sentAt, { secrets: [] }), { ok: false, reason: 'mismatch' });
  });
});
