import { defineToolImpl, readStringArray } from '@aof/api';
import { echoSpec } from './spec.js';

export default defineToolImpl({
  spec: echoSpec,
  async run(args) {
    const words = readStringArray(args.args);
    return words === undefined ? { ok: false, output: 'echo needs "args": a list of strings' } : { ok: true, output: words.join(' ') };
  },
});
