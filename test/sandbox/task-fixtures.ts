/**
 * Building blocks for sandbox, tool and model tests: where the fake CLIs live, the built-in
 * plugins' worker modules (resolved the way the kernel does, through each plugin's descriptor),
 * and a TaskRequest builder with sane defaults.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isPlugin, type ModelInstance, type ToolInstance } from '@aof/api';
import type { TaskAgent, TaskFlow, TaskMessage, TaskRequest } from '../../sandbox/protocol.js';
import { repoRoot } from '../helpers/paths.js';

export const fakeBinDir = path.join(repoRoot, 'test', 'fakes', 'bin');
/** PATH for task envs: the fakes first, then node (they are node scripts). Never set on process.env. */
export const fakePath = `${fakeBinDir}${path.delimiter}${path.dirname(process.execPath)}`;

async function initPlugin(name: string): Promise<ToolInstance | ModelInstance> {
  const specifier = `@aof/plugin-${name}`;
  const module = (await import(specifier)) as { default?: unknown };
  const plugin = module.default;
  if (!isPlugin(plugin)) throw new Error(`${specifier} does not default-export a plugin`);
  return (await plugin.init({ name, config: {}, deps: {} })) as ToolInstance | ModelInstance;
}

export async function toolModule(name: string): Promise<string> {
  const instance = (await initPlugin(name)) as ToolInstance;
  const tool = instance.tools.find((t) => t.name === name);
  if (tool === undefined) throw new Error(`plugin ${name} provides no tool ${name}`);
  return tool.module;
}

export async function modelModule(name: string): Promise<string> {
  return ((await initPlugin(name)) as ModelInstance).module;
}

export interface BuiltinModules {
  tools: Record<string, string>;
  models: Record<'command' | 'openai' | 'anthropic', string>;
}

export async function builtinModules(): Promise<BuiltinModules> {
  const toolNames = ['kubectl', 'helm', 'shell', 'http', 'echo'];
  const tools = Object.fromEntries(await Promise.all(toolNames.map(async (name) => [name, await toolModule(name)] as const)));
  return {
    tools,
    models: { command: await modelModule('command'), openai: await modelModule('openai'), anthropic: await modelModule('anthropic') },
  };
}

export interface TaskOverrides {
  flow?: Partial<TaskFlow>;
  agent?: Partial<TaskAgent>;
  message?: Partial<TaskMessage>;
  model?: string;
  tools?: Record<string, string>;
  history?: TaskRequest['history'];
  toolTimeoutMs?: number;
  maxOutputBytes?: number;
  taskTimeoutMs?: number;
  approval?: TaskRequest['approval'];
  resume?: TaskRequest['resume'];
}

/** A task for the `command` model with kubectl, the fake CLIs on PATH and a staging kubeconfig. */
export function makeTask(modules: BuiltinModules, overrides: TaskOverrides = {}): TaskRequest {
  const request: TaskRequest = {
    taskId: 'task-1',
    flow: { name: 'staging-dev-flow', env: { PATH: fakePath, KUBECONFIG: '/flows/staging/kubeconfig' }, ...overrides.flow },
    agent: { name: 'dev-assistant', model: 'command', tools: ['kubectl'], toolConfig: {}, ...overrides.agent },
    modules: { tools: overrides.tools ?? modules.tools, model: overrides.model ?? modules.models.command },
    message: { text: 'kubectl get pods', user: { id: 'U1', name: 'alice' }, channel: { id: 'C1', name: 'staging' }, ...overrides.message },
    history: overrides.history ?? [],
    toolTimeoutMs: overrides.toolTimeoutMs ?? 10_000,
    maxOutputBytes: overrides.maxOutputBytes ?? 64 * 1024,
  };
  if (overrides.taskTimeoutMs !== undefined) request.taskTimeoutMs = overrides.taskTimeoutMs;
  if (overrides.approval !== undefined) request.approval = overrides.approval;
  if (overrides.resume !== undefined) request.resume = overrides.resume;
  return request;
}

export interface FakeCall {
  tool: string;
  argv: string[];
  env: Record<string, string>;
  /** The nice value the process ran at. */
  nice: number;
}

/** A fresh FAKE_KUBECTL_LOG file; `calls()` reads what the fake CLIs recorded. */
export async function fakeCliLog(): Promise<{ file: string; calls(): Promise<FakeCall[]>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aof-fake-cli-'));
  const file = path.join(dir, 'calls.jsonl');
  return {
    file,
    async calls() {
      const text = await readFile(file, 'utf8').catch(() => '');
      return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as FakeCall);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
