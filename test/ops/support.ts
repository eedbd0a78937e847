import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { fixturesDir } from '../helpers/paths.js';
import { postLocal, startTestDaemon, type LocalReply, type TestDaemon } from '../helpers/daemon.js';
import { loadConfig } from '../../core/config/load-config.js';
import type { ConfigSnapshot } from '../../core/daemon/config-snapshot.js';
import type { DaemonOptions } from '../../core/daemon/daemon.js';
import { offlineRouter } from '../../core/daemon/offline-router.js';

export const FIXTURE = path.join(fixturesDir, 'ops', 'deployment');

type Json = Record<string, unknown>;

export interface Deployment {
  dir: string;
  configPath: string;
  flowsDir: string;
  agentsDir: string;
  /** Writes (or overwrites) a file under flows/. */
  writeFlow(file: string, text: string): Promise<void>;
  removeFlow(file: string): Promise<void>;
  remove(): Promise<void>;
}

/** A temp copy of the ops fixture deployment, with `spec` of the daemon config deep-merged with `patch`. */
export async function copyDeployment(patch: Json = {}): Promise<Deployment> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aof-ops-'));
  await cp(FIXTURE, dir, { recursive: true });
  const configPath = path.join(dir, 'daemon-config.yaml');
  const daemon = parse(await readFile(configPath, 'utf8')) as Json;
  daemon.spec = merge(daemon.spec as Json, patch);
  await writeFile(configPath, stringify(daemon));
  const flowsDir = path.join(dir, 'flows');
  return {
    dir,
    configPath,
    flowsDir,
    agentsDir: path.join(dir, 'agents'),
    writeFlow: (file, text) => writeFile(path.join(flowsDir, file), text),
    removeFlow: (file) => rm(path.join(flowsDir, file), { force: true }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The deployment's configuration as the message pipeline reads it, routed by the built-in scorers (no plugins loaded). */
export async function pipelineSnapshot(deployment: Deployment): Promise<ConfigSnapshot> {
  const config = await loadConfig(deployment.configPath, { env: {} });
  return { config, router: await offlineRouter(config, {}), agents: new Map(config.agents.map((a) => [a.agent.metadata.name, a])), defaultFlow: undefined, generation: 1 };
}

function merge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isObject(value) && isObject(current) ? merge(current, value) : value;
  }
  return out;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A daemon on a temp deployment; `stop` also removes the copy. */
export async function startOpsDaemon(deployment: Deployment, options: Partial<DaemonOptions> & { env?: Record<string, string> } = {}): Promise<TestDaemon> {
  const t = await startTestDaemon({ configPath: deployment.configPath, ...options });
  return { ...t, stop: async () => { await t.stop(); await deployment.remove(); } };
}

/** A clock tests move by hand, starting 10 s into a UTC day (so minute, hour and day windows line up). */
export class FakeClock {
  #now = Date.UTC(2030, 0, 15, 0, 0, 10);

  readonly now = (): number => this.#now;

  advance(ms: number): void {
    this.#now += ms;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export async function send(t: TestDaemon, channel: string, user: string, text: string): Promise<LocalReply> {
  const { status, body } = await postLocal(t.url, { channel, user, text });
  if (status !== 200) throw new Error(`POST answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

export async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** The value of one sample (`name{a="x",b="y"}`), labels in any order; undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function requestLines(t: TestDaemon): Array<Record<string, unknown>> {
  return t.logs.filter((line) => line.msg === 'request');
}
