/**
 * Runs one program from `tool_config.shell.allowed_binaries` (empty or missing: nothing runs).
 * The sandbox policy checks the list too; the tool checks again because it is the one that spawns.
 */
import { defineToolImpl, readStringArray, spawnToolOutput } from '@aof/api';
import { shellSpec } from './spec.js';

export default defineToolImpl({
  spec: shellSpec,
  parseCommand: (argv) => ({ argv }),
  async run(args, ctx) {
    const argv = readStringArray(args.argv);
    const binary = argv?.[0];
    if (argv === undefined || binary === undefined) return { ok: false, output: 'shell needs "argv": program name then its arguments' };
    const allowed = readStringArray(ctx.config.allowed_binaries) ?? [];
    if (!allowed.includes(binary)) {
      return { ok: false, output: `"${binary}" is not in tool_config.shell.allowed_binaries (${allowed.join(', ') || 'empty'})` };
    }
    const result = await ctx.host.spawn(argv, {
      env: ctx.env,
      timeoutMs: ctx.timeoutMs,
      maxOutputBytes: ctx.maxOutputBytes,
      signal: ctx.signal,
    });
    return spawnToolOutput(binary, result, ctx.timeoutMs);
  },
});
