import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export type ReadText = (file: string) => Promise<string>;

/** Files open at once: well under the usual open-file limit, which the daemon's sockets share. */
export const READ_CONCURRENCY = 32;

/** Waits before each new try of a read that found no free file descriptor, about 2 s in all. */
const RETRY_DELAYS_MS = [10, 50, 100, 250, 500, 1000];

/**
 * Reads files as text, a few at a time, each result in its file's place: a file that cannot be
 * read gives its error. Opening a directory of thousands of flows at once would run out of file
 * descriptors and drop files at random; and since sockets and other processes share the limit,
 * a read that still finds none free (EMFILE, ENFILE) waits and tries again.
 */
export async function readTextFiles(files: readonly string[], read: ReadText = (file) => readFile(file, 'utf8')): Promise<Array<string | NodeJS.ErrnoException>> {
  const results: Array<string | NodeJS.ErrnoException> = [];
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      results[i] = await readWithRetry(files[i] as string, read);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, reader));
  return results;
}

async function readWithRetry(file: string, read: ReadText): Promise<string | NodeJS.ErrnoException> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read(file);
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || (code !== 'EMFILE' && code !== 'ENFILE')) return error as NodeJS.ErrnoException;
      await sleep(delay);
    }
  }
}
