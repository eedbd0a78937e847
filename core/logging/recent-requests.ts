/** One request log line as written (the seed's fields plus request_id, organization, reason). */
export type RequestLogLine = Readonly<Record<string, unknown>>;

const DEFAULT_RECENT_REQUESTS = 500;

/** The last request log lines, in a fixed-size ring, for the admin API's GET requests. */
export class RecentRequests {
  readonly #lines: RequestLogLine[] = [];
  readonly #capacity: number;
  /** Where the next line goes once the ring is full. */
  #next = 0;

  constructor(capacity = DEFAULT_RECENT_REQUESTS) {
    this.#capacity = capacity;
  }

  add(line: RequestLogLine): void {
    if (this.#lines.length < this.#capacity) {
      this.#lines.push(line);
      return;
    }
    this.#lines[this.#next] = line;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** The newest `limit` lines, oldest first. */
  latest(limit = this.#capacity): RequestLogLine[] {
    const ordered = [...this.#lines.slice(this.#next), ...this.#lines.slice(0, this.#next)];
    return ordered.slice(Math.max(0, ordered.length - limit));
  }
}
