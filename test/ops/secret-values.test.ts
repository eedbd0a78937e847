import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedConfig } from '../../core/config/load-config.js';
import { SecretScrubber } from '../../core/logging/secret-scrubber.js';
import { secretValues } from '../../core/logging/secret-values.js';

/** Just the parts secretValues reads: the daemon spec, flows and agents. */
function config(spec: Record<string, unknown>, agents: Array<Record<string, unknown>> = []): LoadedConfig {
  return { daemon: { spec }, flows: [], agents: agents.map((agentSpec) => ({ agent: { spec: agentSpec } })) } as unknown as LoadedConfig;
}

describe('secret values', () => {
  it('takes values under secret-looking env names and config keys, URLs with a path or query whole', () => {
    const found = secretValues(
      config({ platforms: { slack: { bot_token: 'xoxb-config-token' } }, server: { webhook_url: 'https://hooks.example.com/services/T1/B2/abc' } }),
      { SLACK_BOT_TOKEN: 'xoxb-env-token', HOME: '/root', ALERT_URL: 'https://alerts.example.com/hook?key=k3y' },
    );
    assert.deepEqual([...found].sort(), [
      'https://alerts.example.com/hook?key=k3y',
      'https://hooks.example.com/services/T1/B2/abc',
      'xoxb-config-token',
      'xoxb-env-token',
    ]);
  });

  it('takes the value of a variable a *_env key names for a credential, whatever the variable is called', () => {
    const found = secretValues(
      config({ platforms: { telegram: { bot_token_env: 'TG' }, local: { token_env: 'LOCAL_ACCESS' } }, logging: { file_env: 'LOG_PATH' } }, [{ api_key_env: 'LLM_AUTH' }]),
      { TG: '123:telegram-bot-secret', LLM_AUTH: 'sk-named-oddly-123', LOCAL_ACCESS: 'local-access-456', LOG_PATH: '/var/log/aof.log' },
    );
    assert.deepEqual([...found].sort(), ['123:telegram-bot-secret', 'local-access-456', 'sk-named-oddly-123']);
  });

  it('keeps a bare service address visible, and blanks a URL password wherever it appears', () => {
    const found = secretValues(config({ server: { redis_url: 'redis://10.0.0.5:6379/2' } }), {
      AOF_REDIS_URL: 'redis://127.0.0.1:6379',
      CACHE_URL: 'rediss://default:p%40ss-w0rd@cache.internal:6380',
    });
    assert.deepEqual([...found].sort(), ['p%40ss-w0rd', 'p@ss-w0rd', 'rediss://default:p%40ss-w0rd@cache.internal:6380']);
    const scrubber = new SecretScrubber();
    scrubber.add(found);
    assert.equal(
      scrubber.scrub('Redis store unreachable {"redis":"redis://127.0.0.1:6379","error":"WRONGPASS p@ss-w0rd"}'),
      'Redis store unreachable {"redis":"redis://127.0.0.1:6379","error":"WRONGPASS [redacted]"}',
    );
  });
});
