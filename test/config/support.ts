import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigProblem } from '../../core/config/load-config.js';
import { fixturesDir } from '../helpers/paths.js';

export const configFixtures = path.join(fixturesDir, 'config');
export const seedFixtures = path.join(fixturesDir, 'seed');

/** 1-based line and column of the first occurrence of `needle` in a fixture, so tests state where, not line numbers that drift. */
export function locate(file: string, needle: string, occurrence = 1): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  let seen = 0;
  for (const [i, text] of lines.entries()) {
    const column = text.indexOf(needle);
    if (column >= 0 && ++seen === occurrence) return { line: i + 1, column: column + 1 };
  }
  throw new Error(`${needle} not found ${occurrence} time(s) in ${file}`);
}

export function errorsOf(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return problems.filter((p) => p.severity === 'error');
}

export function warningsOf(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return problems.filter((p) => p.severity === 'warning');
}

/** The single problem at `path` in `file`; fails the test when there is none or more than one. */
export function problemAt(problems: readonly ConfigProblem[], file: string, problemPath: string | undefined): ConfigProblem {
  const found = problems.filter((p) => p.file === file && p.path === problemPath);
  if (found.length !== 1) {
    throw new Error(`expected one problem at ${file} ${problemPath}, found ${found.length}:\n${problems.map((p) => `${p.file} ${p.path}: ${p.message}`).join('\n')}`);
  }
  return found[0] as ConfigProblem;
}
