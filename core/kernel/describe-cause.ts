/** The message of whatever a plugin or the platform threw, which need not be an Error. */
export function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
