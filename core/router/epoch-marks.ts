/**
 * A set of small integers cleared in O(1): each routing call starts a new epoch instead of
 * zeroing the array, so per-message bookkeeping allocates nothing.
 */
export class EpochMarks {
  private readonly marks: Uint32Array;
  private epoch = 1;

  constructor(size: number) {
    this.marks = new Uint32Array(size);
  }

  /** Forgets every mark. */
  clear(): void {
    this.epoch += 1;
    if (this.epoch === 0xffffffff) {
      this.marks.fill(0);
      this.epoch = 1;
    }
  }

  has(slot: number): boolean {
    return this.marks[slot] === this.epoch;
  }

  add(slot: number): void {
    this.marks[slot] = this.epoch;
  }
}
