/**
 * Each server runs in its own process, so it never shares a thread (or a GC) with autocannon.
 * The small servers are forked with an IPC channel and say `ready` with their port; the daemon
 * starts as an operator starts it (`node core/main.js --config ...`) with its log in a file,
 * and is ready when /readyz says so.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, stopChild } from '../../test/helpers/child-process.js';
import type { ChildMessage, StatsMessage } from './protocol.js';

/** The checkout: this file runs from dist/bench/ingress/. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
/** SIGTERM lets the daemon drain; past this the benchmark does not wait for its backlog. */
const STOP_TIMEOUT_MS = 5_000;

export interface ServerChild {
  readonly child: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

/** Forks a compiled server module of dist/bench/ingress/servers and waits for its `ready`. */
export async function forkServer(module: string, env: Record<string, string> = {}): Promise<ServerChild> {
  const child = fork(fileURLToPath(new URL(`./servers/${module}.js`, import.meta.url)), [], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: nodeArgs('BENCH_SERVER_NODE_ARGS'),
  });
  const port = await new Promise<number>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => reject(new Error(`${module} was not ready after ${READY_TIMEOUT_MS} ms:\n${stderr}`)), READY_TIMEOUT_MS);
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${module} exited with ${String(code)} before it was ready:\n${stderr}`));
    });
  });
  return { child, port, stop: () => stopChild(child, STOP_TIMEOUT_MS) };
}

/** Asks the Web API stub for its call counts. */
export async function stubStats(stub: ServerChild): Promise<Record<string, number>> {
  const answer = new Promise<Record<string, number>>((resolve) => {
    const onMessage = (message: ChildMessage): void => {
      if (message.type !== 'stats') return;
      stub.child.off('message', onMessage);
      resolve((message as StatsMessage).calls);
    };
    stub.child.on('message', onMessage);
  });
  stub.child.send({ type: 'stats' });
  return answer;
}

/** `node core/main.js --config <config> --port <free port>`, stdout (the JSON log) to `logFile`. */
export async function spawnDaemon(config: string, logFile: string, env: Record<string, string>): Promise<ServerChild> {
  const port = await freePort();
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeArgs('BENCH_DAEMON_NODE_ARGS'), path.join(repoRoot, 'core', 'main.js'), '--config', config, '--port', String(port)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', log, 'inherit'],
  });
  closeSync(log);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the daemon exited with ${child.exitCode}; see ${logFile}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stopChild(child, STOP_TIMEOUT_MS);
      throw new Error(`the daemon was not ready after ${READY_TIMEOUT_MS} ms; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, port, stop: () => stopChild(child, STOP_TIMEOUT_MS) };
}

/** `BENCH_DAEMON_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` profiles the daemon under the load (Node refuses --cpu-prof in NODE_OPTIONS). */
/** Extra node flags for the daemon (`BENCH_DAEMON_NODE_ARGS`) or the other servers (`BENCH_SERVER_NODE_ARGS`), e.g. `--cpu-prof`. */
function nodeArgs(variable: string): string[] {
  return (process.env[variable] ?? '').split(' ').filter((arg) => arg !== '');
}


