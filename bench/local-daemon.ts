/**
 * What the end-to-end benchmarks share: the daemon as its own process (`node core/main.js`) on a
 * generated deployment, and autocannon posting local-platform messages with `?wait=true`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchDaemon {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts the daemon and resolves once it logs `daemon ready`; `nodeArgs` go to node (profiling). */
export async function startBenchDaemon(config: string, nodeArgs: readonly string[] = []): Promise<BenchDaemon> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(repoRoot, 'core/main.js'), '--config', config, '--port', '0', '--log-level', 'info'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'daemon ready' && entry.port !== undefined) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`daemon exited with ${code}`)));
  });
  // Drain stdout so a full pipe never blocks the daemon.
  lines.on('line', () => undefined);
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Local messages for `durationSecs` over `connections`; `message(n)` makes the n-th body. */
export function postMessages(url: string, options: { connections: number; durationSecs: number; message: (n: number) => Record<string, unknown> }): Promise<autocannon.Result> {
  let n = 0;
  return autocannon({
    url: `${url}/platforms/local/messages?wait=true`,
    connections: options.connections,
    duration: options.durationSecs,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{
      setupRequest: (request) => {
        n++;
        return { ...request, body: JSON.stringify(options.message(n)) };
      },
    }],
  });
}
