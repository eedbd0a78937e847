import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { startDaemon, type DaemonOptions, type RunningDaemon } from '../../core/daemon/daemon.js';
import { repoRoot } from './paths.js';

export const fakeBinDir = path.join(repoRoot, 'test', 'fakes', 'bin');

export interface TestDaemon {
  daemon: RunningDaemon;
  url: string;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /** Raw log text, for "no secret anywhere" assertions. */
  rawLog(): string;
  /** Where the fake kubectl records its calls. */
  kubectlLog: string;
  stop(): Promise<void>;
}

/**
 * Starts a daemon in this process on a free port with a clean environment: the fake kubectl
 * and helm first on PATH, no platform tokens unless `env` adds them.
 */
export async function startTestDaemon(options: Partial<DaemonOptions> & { env?: Record<string, string> } = {}): Promise<TestDaemon> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'aof-daemon-'));
  const kubectlLog = path.join(scratch, 'kubectl.jsonl');
  const logStream = new PassThrough();
  let raw = '';
  const logs: Array<Record<string, unknown>> = [];
  logStream.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  const daemon = await startDaemon({
    configPath: path.join(repoRoot, 'daemon-config.yaml'),
    port: 0,
    host: '127.0.0.1',
    logDestination: logStream,
    ...options,
    env: {
      PATH: `${fakeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '/tmp',
      FAKE_KUBECTL_LOG: kubectlLog,
      ...options.env,
    },
  });
  return {
    daemon,
    url: `http://127.0.0.1:${daemon.port}`,
    logs,
    rawLog: () => raw,
    kubectlLog,
    stop: () => daemon.stop(),
  };
}

export interface LocalReply {
  id: string;
  status: string;
  flow: string | null;
  agent: string | null;
  reply: string | null;
  latency_ms: number | null;
  request_id?: string;
  reason?: string;
}

/** POSTs to the local platform and returns the HTTP status and JSON body. */
export async function postLocal(url: string, body: Record<string, unknown>, options: { wait?: boolean; token?: string } = {}): Promise<{ status: number; body: LocalReply }> {
  const res = await fetch(`${url}/platforms/local/messages${options.wait === false ? '' : '?wait=true'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as LocalReply };
}
