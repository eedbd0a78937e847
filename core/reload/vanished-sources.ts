/**
 * Files that held flows or agents before a reload and hold none now because they are empty or
 * gone with their whole directory: more likely a file caught mid-write (an editor, a `>`
 * redirect) or a directory moved aside than a wish to remove every flow in them. A reload then
 * keeps the last good configuration and says so; deleting a file still removes its flows.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';

export async function vanishedSources(current: LoadedConfig, next: LoadedConfig): Promise<string[]> {
  const before = sourcesOf(current);
  const after = new Set(sourcesOf(next).keys());
  const reasons: string[] = [];
  const missingDirs = new Set<string>();
  for (const [file, names] of before) {
    if (after.has(file)) continue;
    const dir = path.dirname(file);
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => error);
    if (typeof text === 'string') {
      if (isBlank(text)) reasons.push(`${file} is empty now (it held ${names.join(', ')}): a file being written? Delete the file to remove them`);
    } else if (text.code === 'ENOENT' && !missingDirs.has(dir) && !await exists(dir)) {
      missingDirs.add(dir);
      reasons.push(`${dir} is gone (it held ${names.join(', ')}): restore it; a reload does not remove every flow of a directory`);
    }
  }
  return reasons;
}

/** File -> the flows and agents it held. */
function sourcesOf(config: LoadedConfig): Map<string, string[]> {
  const sources = new Map<string, string[]>();
  const add = (file: string, name: string): void => {
    sources.set(file, [...(sources.get(file) ?? []), name]);
  };
  for (const flow of config.flows) add(flow.source.file, `flow ${flow.flow.metadata.name}`);
  for (const agent of config.agents) add(agent.source.file, `agent ${agent.agent.metadata.name}`);
  return sources;
}

/** Nothing but whitespace, comments and document markers. */
function isBlank(text: string): boolean {
  return text.split('\n').every((line) => /^\s*(#.*)?$/.test(line) || /^\s*(---|\.\.\.)\s*$/.test(line));
}

async function exists(dir: string): Promise<boolean> {
  return stat(dir).then(() => true, () => false);
}
