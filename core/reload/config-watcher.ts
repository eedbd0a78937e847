import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '@aof/api';

export interface ConfigWatcherOptions {
  /** Directories watched with everything under them (the agents and flows directories). */
  directories: string[];
  /** Single files watched (the daemon config). */
  files: string[];
  /** Quiet time after the last change before `onChange` runs (editors write in bursts). */
  debounceMs: number;
  onChange: (changed: string[]) => void;
  logger: Logger;
}

export interface ConfigWatcher {
  close(): Promise<void>;
}

const CONFIG_FILE = /\.ya?ml$/i;
/** Under a steady stream of changes, reload at least this many debounce periods after the first. */
const MAX_WAIT_PERIODS = 5;

/**
 * Watches the configuration with chokidar. Each target's parent directory is watched, filtered
 * down to the targets, so a whole directory replaced (`mv flows.new flows`) is seen as it is
 * re-created; chokidar itself stops following a watched directory that is removed.
 */
export async function watchConfig(options: ConfigWatcherOptions): Promise<ConfigWatcher> {
  const targets = [...options.directories, ...options.files].map((p) => path.resolve(p));
  const roots = [...new Set(targets.map((t) => path.dirname(t)))];
  const wanted = (p: string): boolean => roots.includes(p) || targets.some((t) => p === t || p.startsWith(t + path.sep));

  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let firstAt = 0;
  const flush = (): void => {
    timer = undefined;
    const paths = [...changed];
    changed.clear();
    options.onChange(paths);
  };
  const record = (file: string): void => {
    if (changed.size === 0) firstAt = Date.now();
    changed.add(file);
    clearTimeout(timer);
    const wait = Math.min(options.debounceMs, Math.max(0, firstAt + MAX_WAIT_PERIODS * options.debounceMs - Date.now()));
    timer = setTimeout(flush, wait);
  };

  const watcher: FSWatcher = watch(roots, { ignoreInitial: true, ignored: (p: string) => !wanted(path.resolve(p)) });
  watcher.on('all', (event, file) => {
    // Editors' swap and backup files come and go around every save; only YAML and directories matter.
    const isDirectory = event === 'addDir' || event === 'unlinkDir';
    if (isDirectory ? roots.includes(path.resolve(file)) : !CONFIG_FILE.test(file)) return;
    record(path.resolve(file));
  });
  watcher.on('error', (error: unknown) => options.logger.warn({ err: error }, 'config watcher error'));
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  options.logger.info({ directories: options.directories, files: options.files }, 'watching the configuration for changes');
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
