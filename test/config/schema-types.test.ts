import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Agent, AgentFlow, DaemonConfig } from '@aof/api';
import { loadSchema, schemaValidators, type ResourceKind } from '../../core/config/schemas.js';

/** Every optional field made required, so a literal of this type must spell out every field of the TS type. */
type DeepRequired<T> = T extends (infer U)[] ? DeepRequired<U>[] : T extends object ? { [K in keyof T]-?: DeepRequired<T[K]> } : T;

const metadata = { name: 'full', labels: { environment: 'production' }, annotations: { owner: 'sre' } };
const rate = { max_requests_per_minute: 10, max_requests_per_hour: 100, max_tokens_per_day: 1000 };
const env = (name: string) => `${name.toUpperCase()}_VAR`;
const secrets = ['bot_token', 'signing_secret', 'app_token', 'webhook_secret', 'public_key', 'application_id', 'access_token', 'app_secret', 'verify_token', 'phone_number_id'];

const daemon: DeepRequired<DaemonConfig> = {
  apiVersion: 'aof.dev/v1',
  kind: 'DaemonConfig',
  metadata,
  spec: {
    server: { port: 8080, host: '0.0.0.0', cors: true, timeout_secs: 30, body_limit_bytes: 1048576, shutdown_grace_secs: 30, cluster_mode: true, redis_url: 'redis://redis:6379', node_id: 'aof-0' },
    platforms: { slack: { enabled: true, bot_token_env: 'SLACK_BOT_TOKEN', app_id: 'A1' } },
    agents: { directory: './agents', watch: true, recursive: true },
    flows: { enabled: true, directory: './flows', watch: true, recursive: true },
    routing: { default_agent: 'general-assistant', strict_mode: true, weights: { channel: 100, user: 80, pattern: 60, platform: 40, catch_all: 10 } },
    runtime: { max_concurrent_tasks: 50, task_timeout_secs: 300, max_tasks_per_user: 5, queue_size: 100, refusal_notice_interval_secs: 30, sandbox_nice: 10, max_sandbox_threads: 8, distributed: true, task_queue: 'redis' },
    sandbox: { max_memory_mb: 256, idle_timeout_secs: 30 },
    memory: { max_messages: 50, ttl_secs: 86400 },
    limits: { global: rate, per_organization: rate, per_flow: rate, per_user: rate },
    logging: { level: 'debug', format: 'pretty' },
    admin: { enabled: true, token: 'admin-token', token_env: 'AOF_ADMIN_TOKEN', prefix: '/admin', port: 9090 },
    plugins: [{ use: '@acme/aof-plugin-jira', enabled: true, config: { url: 'https://jira.example.com' } }],
  },
};

const flow: DeepRequired<AgentFlow> = {
  apiVersion: 'aof.dev/v1',
  kind: 'AgentFlow',
  metadata,
  spec: {
    trigger: {
      type: 'Slack',
      config: {
        events: ['app_mention'],
        channels: ['production'],
        chats: ['@sre_team'],
        users: ['U1'],
        patterns: ['(?i)deploy'],
        ...Object.fromEntries(secrets.flatMap((key) => [[key, 'x'], [`${key}_env`, env(key)]])),
      },
    },
    context: { organization: 'org-a', kubeconfig: '/kube', namespace: 'default', cluster_name: 'prod', env: { ORG_ID: 'org-a' } },
    agents: [{ name: 'k8s-ops', patterns: ['kubectl'], priority: 'high', tools: ['kubectl'], tool_config: { kubectl: { allowed_commands: ['get'] } } }],
    approval: {
      allowed_users: ['U1'],
      require_for: ['kubectl delete'],
      chains: [{ name: 'standard', approvers: ['U1', 'U2'], require: 1 }],
      rules: [{ pattern: 'kubectl delete', chain: 'standard' }],
      timeout_secs: 300,
      self_approval: false,
      strategy: 'reactions',
    },
    limits: { max_requests_per_hour: 1000, max_tokens_per_request: 4096 },
    sandbox: { runtime: 'deno', max_memory_mb: 128, max_threads: 2, idle_timeout_secs: 60 },
    memory: { max_messages: 20, ttl_secs: 3600 },
  },
};

const agent: DeepRequired<Agent> = {
  apiVersion: 'aof.dev/v1',
  kind: 'Agent',
  metadata,
  spec: {
    model: 'openai:gpt-4o',
    system_prompt: 'You operate Kubernetes.',
    instructions: 'You operate Kubernetes.',
    tools: ['kubectl'],
    tool_config: { kubectl: { allowed_commands: ['get'] } },
    max_iterations: 5,
    temperature: 0.2,
    max_tokens: 2048,
    base_url: 'https://llm.example.com/v1',
    api_key_env: 'OPENAI_API_KEY',
  },
};

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: boolean | Schema; definitions?: Record<string, Schema> };

/** Every field the schema names, as paths with `[]` for list items and `*` for map values. */
function schemaPaths(schema: Schema, root: Schema, prefix: string[] = []): string[][] {
  const resolved = schema.$ref ? { ...root.definitions?.[schema.$ref.replace('#/definitions/', '')], ...schema, $ref: undefined } : schema;
  const paths: string[][] = [];
  for (const [key, sub] of Object.entries(resolved.properties ?? {})) paths.push([...prefix, key], ...schemaPaths(sub, root, [...prefix, key]));
  if (resolved.items) paths.push(...schemaPaths(resolved.items, root, [...prefix, '[]']));
  if (typeof resolved.additionalProperties === 'object') paths.push(...schemaPaths(resolved.additionalProperties, root, [...prefix, '*']));
  return paths;
}

function has(value: unknown, path: readonly string[]): boolean {
  const [head, ...rest] = path;
  if (head === undefined) return value !== undefined;
  if (head === '[]') return Array.isArray(value) && value.some((item) => has(item, rest));
  if (typeof value !== 'object' || value === null) return false;
  if (head === '*') return Object.values(value).some((item) => has(item, rest));
  return has((value as Record<string, unknown>)[head], rest);
}

const examples: Array<[ResourceKind, unknown]> = [['DaemonConfig', daemon], ['AgentFlow', flow], ['Agent', agent]];

describe('JSON Schemas and TypeScript types', () => {
  for (const [kind, example] of examples) {
    it(`${kind}: every TS field is in the schema, and every schema field is in the TS type`, () => {
      const { validate, closed } = schemaValidators()[kind];
      const data = structuredClone(example);
      assert.equal(validate(data), true, JSON.stringify(validate.errors));
      // Closed: a field the TS type has but the schema lacks would be an additionalProperties error.
      assert.equal(closed(data), true, JSON.stringify(closed.errors));
      const schema = loadSchema(kind) as Schema;
      const missing = schemaPaths(schema, schema).filter((p) => !has(example, p)).map((p) => p.join('.'));
      assert.deepEqual(missing, []);
    });
  }
});
