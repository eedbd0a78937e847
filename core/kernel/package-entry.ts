import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Finds the file `import()` would load for a package, starting from any directory. Node 20 can
 * only resolve relative to the calling module (`import.meta.resolve` takes no parent without a
 * flag), and `createRequire().resolve` applies the `require` export conditions, which picks the
 * wrong file (or none) for ESM-only packages. So the package is located with require's search
 * path and its entry is read from package.json with the conditions `import()` uses.
 */

const IMPORT_CONDITIONS = new Set(['node', 'import', 'default']);

/** Splits `@scope/name/sub/path` into `@scope/name` and `./sub/path`. */
export function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(nameLength).join('/');
  return { name: parts.slice(0, nameLength).join('/'), subpath: rest === '' ? '.' : `./${rest}` };
}

/** The first `node_modules/<name>` directory with a package.json, searching upward from each directory in turn. */
export function findPackageDir(name: string, fromDirs: readonly string[]): string | undefined {
  for (const fromDir of fromDirs) {
    const searchPaths = createRequire(path.join(fromDir, 'noop.js')).resolve.paths(name) ?? [];
    for (const modulesDir of searchPaths) {
      const candidate = path.join(modulesDir, name);
      if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
  }
  return undefined;
}

/** The file a package (or a directory that is one) exports at `subpath`, or undefined if it exports none. */
export function packageEntry(packageDir: string, subpath = '.'): string | undefined {
  const manifest = readManifest(packageDir);
  if (manifest.exports !== undefined) {
    const target = exportTarget(manifest.exports, subpath);
    return target === undefined ? undefined : existingFile(path.resolve(packageDir, target));
  }
  const legacy = subpath === '.' ? (typeof manifest.main === 'string' ? manifest.main : 'index.js') : subpath;
  return legacyFile(path.resolve(packageDir, legacy));
}

function readManifest(packageDir: string): { exports?: unknown; main?: unknown } {
  const file = path.join(packageDir, 'package.json');
  if (!existsSync(file)) return {};
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return typeof parsed === 'object' && parsed !== null ? parsed : {};
}

/** Exact subpath keys only: plugin packages export their root, and patterns (`./*`) add little here. */
function exportTarget(exportsField: unknown, subpath: string): string | undefined {
  if (isRecord(exportsField) && Object.keys(exportsField).some((key) => key.startsWith('.'))) {
    return conditionTarget(exportsField[subpath]);
  }
  return subpath === '.' ? conditionTarget(exportsField) : undefined;
}

/** Node picks the first key, in object order, that is an active condition and resolves. */
function conditionTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = conditionTarget(item);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const [condition, nested] of Object.entries(value)) {
    if (!IMPORT_CONDITIONS.has(condition)) continue;
    const target = conditionTarget(nested);
    if (target !== undefined) return target;
  }
  return undefined;
}

/** `main` may omit the extension or name a directory, as CommonJS allows. */
function legacyFile(file: string): string | undefined {
  return existingFile(file) ?? existingFile(`${file}.js`) ?? existingFile(path.join(file, 'index.js'));
}

function existingFile(file: string): string | undefined {
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
