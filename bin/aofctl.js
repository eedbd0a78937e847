#!/usr/bin/env node
// Launcher: the CLI is compiled into dist/ by `npm install` (prepare -> tsc -b).
import { runCli } from '../dist/core/cli/aofctl.js';

process.exitCode = await runCli(process.argv.slice(2));
