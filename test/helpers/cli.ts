import { runCli } from '../../core/cli/aofctl.js';
import type { CliIo } from '../../core/cli/io.js';
import { repoRoot } from './paths.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs aofctl in process with captured output and a clean environment (no platform tokens). */
export async function aofctl(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    cwd: options.cwd ?? repoRoot,
  };
  const code = await runCli(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
