/**
 * The last line of defence for secrets: every log line is written through `scrub`, which blanks
 * each known secret value wherever it appears (a token quoted in an error message, an env value
 * echoed in a tool's output). pino's `redact` covers known field names; this covers values.
 */
/** What a secret is replaced by, everywhere. */
export const CENSOR = '[redacted]';
/** Shorter values would blank ordinary words all over the log; no real credential is that short. */
const MIN_SECRET_LENGTH = 4;

export class SecretScrubber {
  readonly #forms = new Set<string>();
  #pattern: RegExp | undefined;

  /**
   * Adds values to blank (on boot and on every reload). None is ever forgotten: a message still
   * running on an older configuration may log a secret that the new one no longer has.
   */
  add(values: Iterable<string>): void {
    const before = this.#forms.size;
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      this.#forms.add(value);
      // As it appears inside a JSON string, where quotes and backslashes are escaped.
      this.#forms.add(JSON.stringify(value).slice(1, -1));
    }
    if (this.#forms.size === before) return;
    // Longest first, so a secret that contains another is blanked whole.
    const sorted = [...this.#forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#pattern = new RegExp(sorted.join('|'), 'g');
  }

  scrub(line: string): string {
    return this.#pattern === undefined ? line : line.replace(this.#pattern, CENSOR);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
