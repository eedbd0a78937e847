/** Runs kubectl as an argv array with the flow's env; the sandbox's policy has already checked the call. */
import { defineToolImpl, readStringArray, spawnToolOutput, withDefaultNamespace } from '@aof/api';
import { collapseKlogRepeats } from './klog.js';
import { kubectlSpec } from './spec.js';

export default defineToolImpl({
  spec: kubectlSpec,
  async run(args, ctx) {
    const argv = readStringArray(args.args);
    if (argv === undefined) return { ok: false, output: 'kubectl needs "args": a list of strings, e.g. ["get", "pods"]' };
    const result = await ctx.host.spawn(['kubectl', ...withDefaultNamespace(argv, ctx.flow.namespace)], {
      env: ctx.env,
      timeoutMs: ctx.timeoutMs,
      maxOutputBytes: ctx.maxOutputBytes,
      signal: ctx.signal,
    });
    return spawnToolOutput('kubectl', { ...result, stderr: collapseKlogRepeats(result.stderr) }, ctx.timeoutMs);
  },
});
