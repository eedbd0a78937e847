import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AofError, ErrorCode, isPlugin, type Plugin } from '@aof/api';
import { describeCause } from './describe-cause.js';
import { findPackageDir, packageEntry, splitPackageSpecifier } from './package-entry.js';

/** Where an installed daemon keeps its own dependencies, the built-in plugins among them. */
const kernelDir = path.dirname(fileURLToPath(import.meta.url));

type SpecifierKind = 'path' | 'package' | 'builtin';

/** `./x` or `/x` is a path, `@scope/x` or `x/y` an npm package, anything else a built-in short name. */
function classifySpecifier(use: string): { kind: SpecifierKind; request: string } {
  if (use.startsWith('.') || path.isAbsolute(use)) return { kind: 'path', request: use };
  if (use.startsWith('@') || use.includes('/')) return { kind: 'package', request: use };
  return { kind: 'builtin', request: `@aof/plugin-${use}` };
}

/** The file to import for `use`; throws AOF_ERR_PLUGIN_NOT_FOUND naming the specifier. */
export function resolvePluginFile(use: string, baseDir: string): string {
  const { kind, request } = classifySpecifier(use);
  let file: string | undefined;
  try {
    file = kind === 'path' ? resolvePath(path.resolve(baseDir, request)) : resolvePackage(request, baseDir);
  } catch (cause) {
    throw new AofError(ErrorCode.PLUGIN_INVALID, `plugin "${use}" could not be resolved: ${describeCause(cause)}`, {
      plugin: use,
      cause,
    });
  }
  if (file !== undefined) return file;
  const looked = kind === 'path' ? path.resolve(baseDir, request) : `package "${request}" from ${baseDir} and the daemon's install`;
  throw new AofError(ErrorCode.PLUGIN_NOT_FOUND, `plugin "${use}" not found (looked for ${looked})`, {
    plugin: use,
    details: { use, kind, request },
  });
}

/** Imports `use` and returns the plugin it exports (default export, else a named `plugin` export). */
export async function importPlugin(use: string, baseDir: string): Promise<Plugin> {
  const file = resolvePluginFile(use, baseDir);
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(file).href) as Record<string, unknown>;
  } catch (cause) {
    throw new AofError(ErrorCode.PLUGIN_INVALID, `plugin "${use}" could not be imported from ${file}: ${describeCause(cause)}`, {
      plugin: use,
      details: { file },
      cause,
    });
  }
  const plugin = [module.default, module.plugin].find(isPlugin);
  if (plugin === undefined) {
    throw new AofError(
      ErrorCode.PLUGIN_INVALID,
      `plugin "${use}" (${file}) exports no plugin made by definePlugin() as its default export or as \`plugin\``,
      { plugin: use, details: { file } },
    );
  }
  return plugin;
}

function resolvePath(target: string): string | undefined {
  if (!existsSync(target)) return undefined;
  return statSync(target).isDirectory() ? packageEntry(target) : target;
}

/** The config's directory first (operator-installed plugins), then the daemon's own install. */
function resolvePackage(request: string, baseDir: string): string | undefined {
  const { name, subpath } = splitPackageSpecifier(request);
  const packageDir = findPackageDir(name, [baseDir, kernelDir]);
  return packageDir === undefined ? undefined : packageEntry(packageDir, subpath);
}
