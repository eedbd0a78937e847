/** Runs a module under the project's Deno, from the repo root (where `@aof/api` resolves), for tests of the Deno-side files. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveDenoBinary } from '../../core/runtime/deno-executor.js';
import { repoRoot } from '../helpers/paths.js';

export interface DenoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface DenoRunner {
  run(flags: string[], main: string, options: { stdin: string; env: Record<string, string> }): Promise<DenoRun>;
  cleanup(): Promise<void>;
}

/** A runner with its own DENO_DIR, so tests leave no cache in the user's home. */
export async function denoRunner(): Promise<DenoRunner> {
  const deno = resolveDenoBinary();
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'aof-deno-test-'));
  return {
    run(flags, main, options) {
      const child = spawn(deno, ['run', '--quiet', '--no-prompt', '--no-remote', '--node-modules-dir=manual', '--no-lock', ...flags, main], {
        cwd: repoRoot,
        env: { ...options.env, DENO_DIR: cacheDir, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
      child.stdin.end(options.stdin);
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    cleanup: () => rm(cacheDir, { recursive: true, force: true }),
  };
}
