/** Runs helm as an argv array with the flow's env; the sandbox's policy has already checked the call. */
import { defineToolImpl, readStringArray, spawnToolOutput, withDefaultNamespace } from '@aof/api';
import { helmSpec } from './spec.js';

export default defineToolImpl({
  spec: helmSpec,
  async run(args, ctx) {
    const argv = readStringArray(args.args);
    if (argv === undefined) return { ok: false, output: 'helm needs "args": a list of strings, e.g. ["list"]' };
    const result = await ctx.host.spawn(['helm', ...withDefaultNamespace(argv, ctx.flow.namespace)], {
      env: ctx.env,
      timeoutMs: ctx.timeoutMs,
      maxOutputBytes: ctx.maxOutputBytes,
      signal: ctx.signal,
    });
    return spawnToolOutput('helm', result, ctx.timeoutMs);
  },
});
