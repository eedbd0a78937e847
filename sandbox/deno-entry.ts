/**
 * Main module of a Deno sandbox process (`deno run … dist/sandbox/deno-entry.js [ENV_KEY…]`): one
 * TaskRequest as JSON on stdin, its TaskResult on stdout (deno-protocol), exit 0. The arguments
 * name the variables the process may read (its --allow-env list), for SandboxHost.env().
 */
import { runTask } from './agent-loop.js';
import { denoNamespace } from './deno-api.js';
import { createDenoHost } from './deno-host.js';
import { encodeResult, malformedInputResult } from './deno-protocol.js';
import type { TaskRequest } from './protocol.js';

const deno = denoNamespace();

// stdout is the result channel: whatever a tool or model module logs goes to stderr instead.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

async function readRequest(): Promise<{ request: unknown } | { malformed: string }> {
  const text = await new Response(deno.stdin.readable).text();
  try {
    return { request: JSON.parse(text) };
  } catch (error) {
    return { malformed: error instanceof Error ? error.message : String(error) };
  }
}

// runTask itself answers a JSON value that is not a TaskRequest with a bad_request result.
const input = await readRequest();
const result = 'malformed' in input
  ? malformedInputResult(input.malformed)
  : await runTask(input.request as TaskRequest, createDenoHost(deno.args));

const writer = deno.stdout.writable.getWriter();
await writer.write(new TextEncoder().encode(encodeResult(result)));
await writer.close();
// A tool promise given up on at its deadline may still hold a timer; the task is over.
deno.exit(0);
