/**
 * A real redis-server of the test's own, on a free port and a scratch directory, persisting
 * nothing: cluster-mode tests run against the component they will meet in production, never
 * against the machine's shared Redis (6379) or a mock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, stopChild } from './child-process.js';

/** redis-server saves nothing, so it stops at once on SIGTERM; this only bounds a hung one. */
const STOP_TIMEOUT_MS = 2_000;

export interface TestRedis {
  url: string;
  port: number;
  /** The server process (for reading its CPU time in benchmarks). */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and removes its directory. */
  stop(): Promise<void>;
  /** Stops the server but keeps the port and directory, so `restart` comes back at the same url. */
  pause(): Promise<void>;
  restart(): Promise<void>;
}

/** `args` go to redis-server as they are (`['--requirepass', 'x']`). */
export async function startTestRedis(args: readonly string[] = []): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aof-redis-'));
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      let child = await launch(port, dir, args);
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        get pid() {
          return child.pid;
        },
        pause: () => stopChild(child, STOP_TIMEOUT_MS),
        restart: async () => {
          child = await launch(port, dir, args);
        },
        stop: async () => {
          await stopChild(child, STOP_TIMEOUT_MS);
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another process may take the port between our probe and redis-server's bind.
      if (attempt === 3) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

function launch(port: number, dir: string, args: readonly string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (error) => fail(new Error(`cannot run redis-server (is it installed? .ci/run installs it): ${error.message}`)));
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${output}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(child);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  });
}
