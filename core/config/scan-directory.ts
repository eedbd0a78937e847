import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const YAML_FILE = /\.ya?ml$/i;

export type ScanResult = { found: true; files: string[] } | { found: false; reason: string };

/**
 * The YAML files under a directory, sorted by path (plain code-unit order, independent of locale
 * and of the order the file system lists them) so the load order, and with it routing ties, is
 * the same on every machine. Dot entries are skipped: editor swap files, `.git`, and the `..data`
 * links Kubernetes puts in mounted ConfigMaps, which would load every file twice.
 */
export async function scanDirectory(dir: string, recursive: boolean): Promise<ScanResult> {
  try {
    if (!(await stat(dir)).isDirectory()) return { found: false, reason: 'is not a directory' };
  } catch (error) {
    return { found: false, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message };
  }
  const files: string[] = [];
  const seenDirs = new Set<string>();
  const walk = async (current: string): Promise<void> => {
    // Symlinked directories are followed, but never twice, so a link loop ends.
    const real = await realpath(current);
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(current, entry.name);
      const info = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
      if (info?.isDirectory()) {
        if (recursive) await walk(full);
      } else if (info?.isFile() && YAML_FILE.test(entry.name)) {
        files.push(full);
      }
    }
  };
  await walk(dir);
  return { found: true, files: files.sort(comparePaths) };
}

export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
