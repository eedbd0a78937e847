import { RE2JS } from 're2js';
import { AofError, ErrorCode } from '@aof/api';

/**
 * User-written patterns run on RE2 (linear time in the input), so a hostile message cannot
 * stall the daemon the way a backtracking RegExp can. Unanchored; `(?i)` makes one case-insensitive.
 */
export interface CompiledPattern {
  readonly source: string;
  test(text: string): boolean;
}

const cache = new Map<string, CompiledPattern>();

export function compilePattern(source: string): CompiledPattern {
  const cached = cache.get(source);
  if (cached) return cached;
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (error) {
    throw new AofError(ErrorCode.PATTERN_INVALID, `pattern ${JSON.stringify(source)} does not compile: ${(error as Error).message}`, {
      details: { pattern: source },
      cause: error,
    });
  }
  const compiled: CompiledPattern = { source, test: (text) => re.test(text) };
  cache.set(source, compiled);
  return compiled;
}

/** Returns the compile error message, or undefined when the pattern is valid. */
export function patternError(source: string): string | undefined {
  try {
    compilePattern(source);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
