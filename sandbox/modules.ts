/**
 * Loads tool and model worker modules by specifier (a package export or a file URL from the
 * plugin's descriptor). Imports are cached per worker, so only a pool's first task pays for them.
 */
import type { ModelProvider, ToolImpl } from '@aof/api';
import { TaskErrorCode } from './protocol.js';
import { errorMessage, TaskFailure } from './task-failure.js';

const loaded = new Map<string, Promise<unknown>>();
/** Default exports already imported, for the synchronous path every task after a pool's first takes. */
const ready = new Map<string, unknown>();

function importDefault(specifier: string): Promise<unknown> {
  let pending = loaded.get(specifier);
  if (pending === undefined) {
    pending = import(specifier).then((module: { default?: unknown }) => {
      ready.set(specifier, module.default);
      return module.default;
    });
    // A failed import is not cached: the next task tries again (the file may have been fixed or installed).
    pending.catch(() => loaded.delete(specifier));
    loaded.set(specifier, pending);
  }
  return pending;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isToolImpl(value: unknown): value is ToolImpl {
  return isRecord(value) && typeof value.run === 'function' && isRecord(value.spec) &&
    typeof value.spec.description === 'string' && isRecord(value.spec.parameters);
}

function isModelProvider(value: unknown): value is ModelProvider {
  return isRecord(value) && typeof value.complete === 'function';
}

const MISCONFIGURED = 'This agent is misconfigured on the daemon, so I cannot answer. An operator has the details in the logs.';

/** The tool's implementation if an earlier task of this thread loaded it, without waiting a turn. */
export function loadedToolImpl(specifier: string): ToolImpl | undefined {
  const value = ready.get(specifier);
  return isToolImpl(value) ? value : undefined;
}

/** The model provider if an earlier task of this thread loaded it, without waiting a turn. */
export function loadedModelProvider(specifier: string): ModelProvider | undefined {
  const value = ready.get(specifier);
  return isModelProvider(value) ? value : undefined;
}

export async function loadToolImpl(tool: string, specifier: string): Promise<ToolImpl> {
  let value: unknown;
  try {
    value = await importDefault(specifier);
  } catch (error) {
    throw new TaskFailure(TaskErrorCode.TOOL_ERROR, `tool "${tool}": module ${specifier} failed to load: ${errorMessage(error)}`, MISCONFIGURED);
  }
  if (!isToolImpl(value)) {
    throw new TaskFailure(TaskErrorCode.TOOL_ERROR, `tool "${tool}": module ${specifier} does not default-export a ToolImpl`, MISCONFIGURED);
  }
  return value;
}

export async function loadModelProvider(model: string, specifier: string): Promise<ModelProvider> {
  let value: unknown;
  try {
    value = await importDefault(specifier);
  } catch (error) {
    throw new TaskFailure(TaskErrorCode.MODEL_ERROR, `model "${model}": module ${specifier} failed to load: ${errorMessage(error)}`, MISCONFIGURED);
  }
  if (!isModelProvider(value)) {
    throw new TaskFailure(TaskErrorCode.MODEL_ERROR, `model "${model}": module ${specifier} does not default-export a ModelProvider`, MISCONFIGURED);
  }
  return value;
}
