/**
 * Worker-thread entry that loads the configuration, so parsing and validating a thousand
 * files does not stall the event loop that answers messages. Only plain data crosses back.
 */
import { parentPort } from 'node:worker_threads';
import { loadConfig } from '../config/load-config.js';
import type { LoadReply, LoadRequest } from './off-thread-loader.js';

const port = parentPort;
if (port === null) throw new Error('load-worker.js runs as a worker thread');

port.on('message', (request: LoadRequest) => {
  loadConfig(request.configPath, request.options).then(
    (config): void => port.postMessage({ id: request.id, ok: true, config } satisfies LoadReply),
    (error: unknown): void => port.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies LoadReply),
  );
});
