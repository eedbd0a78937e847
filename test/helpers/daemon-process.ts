import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './paths.js';

export interface DaemonProcess {
  child: ChildProcess;
  url: string;
  /** Every JSON log line the daemon printed so far. */
  logs: Array<Record<string, unknown>>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `node core/main.js` as a user would (port 0 so tests never collide) and waits for the
 * "daemon ready" log line, which carries the port it bound.
 */
export async function startDaemonProcess(args: string[], env: Record<string, string> = {}): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'core/main.js'), ...args, '--port', '0'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'daemon ready') resolve(entry.port as number);
    });
    child.once('exit', (code) => reject(new Error(`daemon exited with ${code} before it was ready:\n${stderr}`)));
  });
  const port = await ready;
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
