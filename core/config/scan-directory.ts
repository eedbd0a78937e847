import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode } from '@aof/api';
import type { ConfigProblem } from './problems.js';

const YAML_FILE = /\.ya?ml$/i;

/** A subdirectory that cannot be read is a warning in `problems`; the rest is still scanned. */
export type ScanResult = { found: true; files: string[]; problems: ConfigProblem[] } | { found: false; reason: string };

/** The file system calls a scan makes; tests pass their own to fail one of them. */
export interface ScanFs {
  stat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
  readdir(path: string, options: { withFileTypes: true }): Promise<Dirent[]>;
}

const nodeFs: ScanFs = { stat, realpath, readdir };

/**
 * The YAML files under a directory, sorted by path (plain code-unit order, independent of locale
 * and of the order the file system lists them) so the load order, and with it routing ties, is
 * the same on every machine. Dot entries are skipped: editor swap files, `.git`, and the `..data`
 * links Kubernetes puts in mounted ConfigMaps, which would load every file twice.
 */
export async function scanDirectory(dir: string, recursive: boolean, fs: ScanFs = nodeFs): Promise<ScanResult> {
  try {
    if (!(await fs.stat(dir)).isDirectory()) return { found: false, reason: 'is not a directory' };
  } catch (error) {
    return { found: false, reason: unreadable(error) };
  }
  const files: string[] = [];
  const problems: ConfigProblem[] = [];
  const seenDirs = new Set<string>();
  const walk = async (current: string): Promise<void> => {
    let entries: Dirent[];
    try {
      // Symlinked directories are followed, but never twice, so a link loop ends.
      const real = await fs.realpath(current);
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      entries = await fs.readdir(current, { withFileTypes: true });
    } catch (error) {
      if (current === dir) throw error;
      // A lost+found, a directory removed since its parent was listed: the others still load.
      problems.push({ severity: 'warning', code: ErrorCode.CONFIG_NOT_FOUND, message: `directory skipped, no files under it are loaded: ${(error as Error).message}`, file: current });
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(current, entry.name);
      const info = entry.isSymbolicLink() ? await fs.stat(full).catch(() => undefined) : entry;
      if (info?.isDirectory()) {
        if (recursive) await walk(full);
      } else if (info?.isFile() && YAML_FILE.test(entry.name)) {
        files.push(full);
      }
    }
  };
  try {
    await walk(dir);
  } catch (error) {
    return { found: false, reason: unreadable(error) };
  }
  return { found: true, files: files.sort(comparePaths), problems };
}

function unreadable(error: unknown): string {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message;
}

export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
