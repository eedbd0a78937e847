/**
 * A value that exists only from some point of the boot on (the snapshot, the runtime, the rate
 * limits need the kernel's plugins), wired into objects built before it. Reading it earlier is
 * a bug, and says which value was missing.
 */
export interface Late<T> {
  set(value: T): void;
  get(): T;
  /** The value, or undefined before it is set (shutdown of a boot that failed half-way). */
  peek(): T | undefined;
}

export function late<T>(what: string): Late<T> {
  let value: T | undefined;
  return {
    set: (next) => { value = next; },
    get: () => {
      if (value === undefined) throw new Error(`${what} is not ready yet`);
      return value;
    },
    peek: () => value,
  };
}
