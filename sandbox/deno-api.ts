/**
 * The slice of the Deno namespace the Deno sandbox files use, typed here so the project needs no
 * Deno type package and Node-side code never sees a global `Deno`. Only imported by files that
 * run under Deno (deno-host, deno-entry).
 */

export interface DenoCommandOptions {
  args: string[];
  clearEnv: boolean;
  env: Record<string, string>;
  stdin: 'piped' | 'null';
  stdout: 'piped';
  stderr: 'piped';
}

export interface DenoChildProcess {
  readonly stdin: WritableStream<Uint8Array>;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly status: Promise<{ success: boolean; code: number; signal: string | null }>;
  kill(signal?: 'SIGKILL' | 'SIGTERM'): void;
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface DenoNamespace {
  Command: new (command: string, options: DenoCommandOptions) => { spawn(): DenoChildProcess };
  /** Deno 2 throws NotCapable for a missing --allow-* grant; PermissionDenied is the OS saying no. */
  errors: { NotFound: ErrorClass; NotCapable: ErrorClass; PermissionDenied: ErrorClass };
  env: { get(key: string): string | undefined };
  stdin: { readonly readable: ReadableStream<Uint8Array> };
  stdout: { readonly writable: WritableStream<Uint8Array> };
  readonly args: readonly string[];
  exit(code: number): never;
}

/** The running Deno's namespace; throws under any other runtime, where these files must not run. */
export function denoNamespace(): DenoNamespace {
  const deno = (globalThis as { Deno?: DenoNamespace }).Deno;
  if (deno === undefined) throw new Error('this module runs only under Deno');
  return deno;
}
