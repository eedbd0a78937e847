import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { discordPublicKey, MAX_CLOCK_SKEW_SECS, verifyDiscordSignature } from '@aof/plugin-discord';
import { BOT_TOKEN, commandInteraction, nowSecs, OTHER_PRIVATE_KEY, signedInteraction, signInteraction, unsignedInteraction } from './discord-requests.js';
import { SAMPLE, startDiscord, type DiscordTestEnv } from './harness.js';

const keys = generateKeyPairSync('ed25519');
const publicKeyHex = keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
const publicKey = discordPublicKey(publicKeyHex);
const body = '{"type":1,"id":"1","application_id":"2","token":"t","version":1}';
const sentAt = 1_700_000_000;
const signature = signInteraction(keys.privateKey, String(sentAt), body);

function verifyAt(nowSecsValue: number, overrides: Partial<Parameters<typeof verifyDiscordSignature>[0]> = {}): ReturnType<typeof verifyDiscordSignature> {
  return verifyDiscordSignature({ timestamp: String(sentAt), signature, rawBody: body, publicKey, nowSecs: nowSecsValue, ...overrides });
}

describe('Discord Ed25519 request signatures', () => {
  it('verifies `timestamp + body` with the public key, up to five minutes either way', () => {
    assert.equal(MAX_CLOCK_SKEW_SECS, 300);
    assert.deepEqual(verifyAt(sentAt), { ok: true });
    assert.deepEqual(verifyAt(sentAt + 300), { ok: true });
    assert.deepEqual(verifyAt(sentAt - 300), { ok: true });
    assert.deepEqual(verifyAt(sentAt, { rawBody: Buffer.from(body) }), { ok: true });
    assert.deepEqual(verifyAt(sentAt, { publicKey: discordPublicKey(publicKeyHex.toUpperCase()) }), { ok: true });
  });

  it('refuses a timestamp one second past the window, or one that is not a number', () => {
    assert.deepEqual(verifyAt(sentAt + 301), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyAt(sentAt - 301), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyAt(sentAt, { timestamp: `${sentAt}.5` }), { ok: false, reason: 'stale' });
  });

  it('refuses any change to the body, the timestamp, the key or the signature', () => {
    assert.deepEqual(verifyAt(sentAt, { rawBody: body.replace('"type":1', '"type":2') }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyAt(sentAt + 1, { timestamp: String(sentAt + 1) }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyAt(sentAt, { publicKey: discordPublicKey(generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex')) }), { ok: false, reason: 'mismatch' });
    // The last byte flipped: always a change (setting it to 00 was none when it already was, 1 run in 256).
    const flipped = (Number.parseInt(signature.slice(-2), 16) ^ 0xff).toString(16).padStart(2, '0');
    assert.deepEqual(verifyAt(sentAt, { signature: `${signature.slice(0, -2)}${flipped}` }), { ok: false, reason: 'mismatch' });
    // Buffer.from(hex) would stop at the first bad pair and verify a truncated signature; the format check comes first.
    assert.deepEqual(verifyAt(sentAt, { signature: `${signature.slice(0, 64)}zz${signature.slice(66)}` }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyAt(sentAt, { signature: signature.slice(0, 64) }), { ok: false, reason: 'mismatch' });
  });

  it('reports missing headers as missing', () => {
    assert.deepEqual(verifyAt(sentAt, { signature: undefined }), { ok: false, reason: 'missing' });
    assert.deepEqual(verifyAt(sentAt, { timestamp: '' }), { ok: false, reason: 'missing' });
  });

  it('reads the public key only as 64 hex characters', () => {
    assert.throws(() => discordPublicKey('abc'), /64 hex characters/);
    assert.throws(() => discordPublicKey(`${publicKeyHex.slice(0, 62)}zz`), /64 hex characters/);
  });
});

describe('Discord interactions endpoint', () => {
  let env: DiscordTestEnv | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it('answers PING with PONG only when it is signed (Discord checks both when the URL is saved)', async () => {
    env = await startDiscord();
    const ping = JSON.stringify({ id: '1', application_id: '2', type: 1, token: 'ping-token', version: 1 });
    assert.deepEqual(await env.deliver(unsignedInteraction(ping)), { status: 401, body: JSON.stringify({ error: 'invalid_signature' }) });
    assert.deepEqual(await env.deliver(signedInteraction(ping, { key: OTHER_PRIVATE_KEY })), { status: 401, body: JSON.stringify({ error: 'invalid_signature' }) });
    const pong = await env.deliver(signedInteraction(ping));
    assert.deepEqual([pong.status, JSON.parse(pong.body)], [200, { type: 1 }]);
    assert.deepEqual(env.kernel.inbound, []);
  });

  it('counts each rejection by reason, logs one warn line and never the body, signature or a token', async () => {
    env = await startDiscord();
    const marker = 'rejected-body-marker-7c2f';
    const payload = JSON.stringify(commandInteraction({ channel: SAMPLE.channelId, user: SAMPLE.userId, name: 'aof', options: [{ name: 'request', value: marker }] }));
    const forged = signedInteraction(payload, { key: OTHER_PRIVATE_KEY });
    assert.equal((await env.deliver(unsignedInteraction(payload))).status, 401);
    assert.equal((await env.deliver(signedInteraction(payload, { timestamp: nowSecs() - 301 }))).status, 401);
    assert.equal((await env.deliver(forged)).status, 401);
    assert.equal((await env.deliver({ ...signedInteraction(payload), body: payload.replace(marker, `${marker}!`) })).status, 401);
    const metrics = await (await fetch(`${env.kernel.url}/metrics`)).text();
    assert.match(metrics, /^agentflow_webhook_rejections_total\{platform="discord",reason="missing"\} 1$/m);
    assert.match(metrics, /^agentflow_webhook_rejections_total\{platform="discord",reason="stale"\} 1$/m);
    assert.match(metrics, /^agentflow_webhook_rejections_total\{platform="discord",reason="mismatch"\} 2$/m);
    const warnings = env.kernel.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'Discord interaction rejected: invalid signature');
    assert.deepEqual(warnings.map((line) => [line.level, line.reason]), [['warn', 'missing'], ['warn', 'stale'], ['warn', 'mismatch'], ['warn', 'mismatch']]);
    for (const secret of [marker, BOT_TOKEN, forged.headers['x-signature-ed25519'] ?? 'signature']) {
      assert.ok(!env.kernel.logs.some((line) => line.includes(secret)), `a log line contains ${secret}`);
    }
    assert.deepEqual(env.kernel.inbound, []);
  });

  it('answers 400 to a signed body that is not an interaction it handles', async () => {
    env = await startDiscord();
    assert.equal((await env.deliver(signedInteraction('{"type": 2, '))).status, 400);
    assert.equal((await env.deliver(signedInteraction('[1, 2]'))).status, 400);
    assert.equal((await env.deliver(signedInteraction(JSON.stringify({ id: '1', type: 4, token: 't' })))).status, 400);
  });

  it('has no endpoint without a public key', async () => {
    env = await startDiscord({ config: { public_key: undefined } });
    const ping = JSON.stringify({ id: '1', type: 1, token: 't', version: 1 });
    assert.equal((await env.deliver(signedInteraction(ping))).status, 404);
  });
});
