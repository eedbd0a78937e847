import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../core/logging/logger.js';

function capture(format: 'json' | 'pretty' = 'json'): { lines: () => Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const chunks: string[] = [];
  const logger = createLogger({ level: 'info', format, destination: { write: (chunk: string) => void chunks.push(chunk) } });
  return { logger, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes JSON lines with an ISO timestamp and the level name', () => {
    const { logger, lines } = capture();
    logger.child({ plugin: 'slack' }).info({ flow: 'prod' }, 'message routed');
    logger.debug('below the level');
    const [line, ...rest] = lines();
    assert.equal(rest.length, 0);
    assert.equal(line?.level, 'info');
    assert.equal(line?.msg, 'message routed');
    assert.equal(line?.plugin, 'slack');
    assert.equal(line?.flow, 'prod');
    assert.ok(typeof line?.timestamp === 'string' && !Number.isNaN(Date.parse(line.timestamp)));
    assert.equal(line?.time, undefined);
  });

  it('censors secrets at the top level and nested', () => {
    const { logger, lines } = capture();
    logger.info({
      token: 't0',
      config: { bot_token: 't1', slack: { signing_secret: 't2', app_secret: 't3' } },
      req: { headers: { authorization: 'Bearer t4', 'x-api-key': 't5' } },
      model: { api_key: 't6', access_token: 't7', password: 't8' },
    }, 'boot');
    const text = JSON.stringify(lines());
    for (let n = 0; n <= 8; n++) assert.ok(!text.includes(`t${n}"`), `secret t${n} is censored`);
    assert.match(text, /"bot_token":"\[redacted\]"/);
    assert.match(text, /"authorization":"\[redacted\]"/);
  });

  it('censors secrets in errors, in arrays and in child bindings, and leaves the logged objects as they were', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('call failed'), { config: { headers: { authorization: 'Bearer e1' } } });
    const logged = { err: error, calls: [{ api_key: 'e2' }], flow: 'prod' };
    logger.child({ token: 'e3' }).error(logged, 'boom');
    const [line] = lines();
    const text = JSON.stringify(line);
    for (let n = 1; n <= 3; n++) assert.ok(!text.includes(`e${n}"`), `secret e${n} is censored`);
    assert.equal((line?.err as { message?: string; type?: string } | undefined)?.message, 'call failed', 'the error keeps its message');
    assert.equal((line?.err as { type?: string } | undefined)?.type, 'Error');
    assert.equal(line?.flow, 'prod');
    assert.equal(error.config.headers.authorization, 'Bearer e1', 'the error object itself is untouched');
    assert.equal(logged.calls[0]?.api_key, 'e2');
  });

  it('writes human-readable lines in pretty format, still without secrets', async () => {
    const chunks: string[] = [];
    const destination = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk.toString()); done(); } });
    const logger = createLogger({ level: 'info', format: 'pretty', destination });
    logger.info({ flow: 'prod', bot_token: 'xoxb-pretty-secret' }, 'pretty line');
    await new Promise((resolve) => setImmediate(resolve));
    const text = chunks.join('');
    assert.match(text, /INFO/);
    assert.match(text, /pretty line/);
    assert.throws(() => JSON.parse(text.trim()), 'not a JSON line');
    assert.doesNotMatch(text, /xoxb-pretty-secret/);
  });
});
