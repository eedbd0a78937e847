#!/usr/bin/env node
// `node core/main.js --config daemon-config.yaml` is `aofctl serve` with the same flags.
import { runCli } from '../dist/core/cli/aofctl.js';

process.exitCode = await runCli(['serve', ...process.argv.slice(2)]);
