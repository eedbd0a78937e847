/**
 * Building blocks for runtime tests: a daemon config, flows and agents as the loader would
 * produce them, the real tool and model plugins plus test-only ones, and an AgentRuntime whose
 * daemon env has the fake CLIs first on PATH and secrets that must never reach a sandbox.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  isPlugin,
  type AgentFlowSpec,
  type AgentSpec,
  type DaemonConfigSpec,
  type InboundMessage,
  type LoadedAgent,
  type LoadedFlow,
  type ModelInstance,
  type ToolDescriptor,
  type ToolInstance,
} from '@aof/api';
import { MemoryStore } from '@aof/plugin-store-memory';
import { AgentRuntime, type RuntimeDeps } from '../../core/runtime/agent-runtime.js';
import { recordingLogger, type LogLine } from '../kernel/support.js';
import { fakePath } from '../sandbox/task-fixtures.js';

export const SECRETS = { SLACK_BOT_TOKEN: 'xoxb-daemon-secret', OPENAI_API_KEY: 'sk-daemon-secret', SLACK_SIGNING_SECRET: 'signing-secret' };

/** The daemon's env as a test passes it to the runtime (process.env is never touched). */
export function daemonEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: fakePath, HOME: os.tmpdir(), LANG: 'C.UTF-8', ...SECRETS, ...extra };
}

export function daemonSpec(runtime: Partial<DaemonConfigSpec['runtime']> = {}, more: Partial<DaemonConfigSpec> = {}): DaemonConfigSpec {
  return {
    server: { port: 0, host: '127.0.0.1', body_limit_bytes: 1_048_576 },
    platforms: {},
    agents: { directory: './agents', watch: false, recursive: true },
    flows: { enabled: true, directory: './flows', watch: false, recursive: true },
    routing: { strict_mode: false, weights: { channel: 100, user: 80, pattern: 60, platform: 40, catch_all: 10 } },
    runtime: { max_concurrent_tasks: 50, task_timeout_secs: 30, max_tasks_per_user: 50, queue_size: 100, ...runtime },
    sandbox: { max_memory_mb: 128, idle_timeout_secs: 30 },
    memory: { max_messages: 50, ttl_secs: 86_400 },
    logging: { level: 'silent', format: 'json' },
    admin: { enabled: false },
    plugins: [],
    ...more,
  };
}

export function loadedFlow(name: string, spec: Partial<AgentFlowSpec> = {}): LoadedFlow {
  return {
    flow: { apiVersion: 'aof.dev/v1', kind: 'AgentFlow', metadata: { name }, spec: { agents: [{ name: 'k8s-ops' }], ...spec } },
    index: 0,
    source: { file: `flows/${name}.yaml`, line: 1, column: 1 },
    active: true,
  };
}

export function loadedAgent(name: string, spec: Partial<AgentSpec> = {}): LoadedAgent {
  return {
    agent: { apiVersion: 'aof.dev/v1', kind: 'Agent', metadata: { name }, spec: { model: 'command', tools: ['kubectl'], ...spec } },
    source: { file: `agents/${name}.yaml`, line: 1, column: 1 },
  };
}

let messageCount = 0;

export function inbound(text: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  messageCount++;
  return {
    id: `msg-${messageCount}`,
    platform: 'slack',
    workspace: 'T1',
    channel: { id: 'C1', name: 'ops' },
    user: { id: 'U1', name: 'alice' },
    text,
    kind: 'mention',
    receivedAt: Date.now(),
    ...overrides,
  };
}

const fixture = (file: string): string => new URL(`../fixtures/runtime/${file}`, import.meta.url).href;

/** Test-only tools (test/fixtures/runtime) by name. */
export const TEST_TOOLS: ToolDescriptor[] = [
  { name: 'probe', description: 'Reports the sandbox environment.', module: fixture('env-probe-tool.js'), binaries: ['node'] },
  { name: 'hog', description: 'Allocates until out of memory.', module: fixture('oom-tool.js') },
  { name: 'spin', description: 'Never yields.', module: fixture('spin-tool.js') },
  { name: 'crash', description: 'Exits the worker.', module: fixture('crash-tool.js') },
  { name: 'slow', description: 'Waits.', module: fixture('slow-tool.js') },
];

async function initPlugin(specifier: string): Promise<unknown> {
  const module = (await import(specifier)) as { default?: unknown };
  if (!isPlugin(module.default)) throw new Error(`${specifier} does not default-export a plugin`);
  return module.default.init({ name: module.default.name, config: {}, deps: {} });
}

/** The real kubectl, helm, echo and command plugins, the test-only tools, and the `history` test model. */
export async function plugins(): Promise<{ tools: ToolDescriptor[]; models: ModelInstance[] }> {
  const tools: ToolDescriptor[] = [];
  for (const name of ['kubectl', 'helm', 'echo']) tools.push(...((await initPlugin(`@aof/plugin-${name}`)) as ToolInstance).tools);
  const command = (await initPlugin('@aof/plugin-command')) as ModelInstance;
  return { tools: [...tools, ...TEST_TOOLS], models: [command, { providers: ['history'], module: fixture('history-model.js') }] };
}

export interface TestRuntime {
  runtime: AgentRuntime;
  store: MemoryStore;
  logs: LogLine[];
  close(): Promise<void>;
}

export async function startRuntime(overrides: Partial<RuntimeDeps> = {}): Promise<TestRuntime> {
  const store = new MemoryStore({ sweepIntervalMs: 60_000 });
  const logger = recordingLogger();
  const runtime = new AgentRuntime({ daemon: daemonSpec(), store, env: daemonEnv(), logger, ...(await plugins()), ...overrides });
  return {
    runtime,
    store,
    logs: logger.lines,
    async close() {
      await runtime.close(1_000);
      await store.close();
    },
  };
}

/** A temp file for a test tool or fake CLI to record into; `lines()` parses what it wrote. */
export async function recordFile<T>(): Promise<{ file: string; lines(): Promise<T[]>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aof-runtime-'));
  const file = path.join(dir, 'record.jsonl');
  return {
    file,
    async lines() {
      const text = await readFile(file, 'utf8').catch(() => '');
      return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as T);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
