/** The conformance suite against one Deno process per task, with only the flow's grants. */
import { createDenoExecutor } from '../../core/runtime/deno-executor.js';
import { sandboxConformance } from './suite.js';

sandboxConformance('deno', (options) => createDenoExecutor(options));
