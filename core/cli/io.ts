import { parseArgs, type ParseArgsConfig } from 'node:util';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs gives back for a set of flag options. */
export type ParsedFlags<T extends FlagOptions> = ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>;

/** Output channels of a command, so tests run commands in process and read what they print. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  cwd: process.cwd(),
};

/** Bad flags or arguments: printed with the usage text and exit code 2. */
export class UsageError extends Error {}

export function parseFlags<T extends FlagOptions>(args: string[], options: T, allowPositionals = false): ParsedFlags<T> {
  try {
    // Positionals are refused below when the command takes none, so the parsed shape is the same.
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (!allowPositionals && parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    return parsed;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${value}"`);
  return port;
}
