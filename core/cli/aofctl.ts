import { isAofError } from '@aof/api';
import { generateFlowCommand } from './generate-flow.js';
import { getCommand } from './get.js';
import { routeCommand } from './route.js';
import { serveCommand } from './serve.js';
import { validateCommand } from './validate.js';
import { UsageError, type CliIo, processIo } from './io.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  validate: validateCommand,
  route: routeCommand,
  generate: generateFlowCommand,
  get: getCommand,
};

const USAGE = `aofctl: run and inspect the AOF AgentFlow daemon

Usage:
  aofctl serve    --config FILE [--flows-dir DIR] [--agents-dir DIR] [--port N] [--host H] [--log-format json|pretty] [--log-level LEVEL]
  aofctl validate --config FILE | FILE...
  aofctl route    (--config FILE | --server URL [--token T]) --platform P [--channel C] [--user U] [--event E] [--flows F1,F2] --text "..." [--output text|json]
  aofctl get      flows|agents|approvals|requests --server URL [--token T] [--output table|json]
  aofctl generate flow --from-agent agents/X.yaml --output flows/Y.yaml [--platform P] [--channel C]... [--user U]... [--pattern RE]... [--namespace NS] [--name N] [--force]

--server is a running daemon with the admin API enabled; the token defaults to $AOF_ADMIN_TOKEN.
Exit codes: 0 success, 1 invalid input or failed command, 2 usage error.`;

/** Runs one aofctl command and returns its exit code; never calls process.exit itself. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`aofctl: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`aofctl ${name}: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const code = isAofError(error) ? `${error.code}: ` : '';
    io.err(`aofctl ${name}: ${code}${(error as Error).message}`);
    return 1;
  }
}
