/** The limits of workspace reads in this process. */
export const WORKSPACE_LIMITS = {
  /** Connections open at once for workspace reads, all workspaces together. */
  total: 8,
  /** Of those, for any one workspace: one locked workspace leaves the others room. */
  perWorkspace: 2,
  /**
   * Reads that may wait for a slot of one workspace; beyond it they are refused
   * at once. A wait holds no connection and ends at the deadline, so the queue
   * is long enough for 50 clients reading one workspace at once.
   */
  queuePerWorkspace: 64,
  /** Reads that may wait for one of the `total` connections, all workspaces together. */
  queueTotal: 128,
  /**
   * Exports streaming at once, all workspaces together (and how many may wait):
   * an export holds its connection for as long as it streams, so exports take
   * at most half of `total` and previews always find room.
   */
  exports: 4,
  queueExports: 16,
  statementTimeoutMs: 5_000,
  lockTimeoutMs: 1_000,
  /** From the request's arrival at the gate to its answer, waiting included (CONTRACT §10: within 15 s). */
  deadlineMs: 10_000,
} as const;

/** The workspace could not be read within the limits: busy (locked, many readers) or too slow. REST answers 503 with Retry-After. */
export class WorkspaceBusyError extends Error {
  constructor(reason: 'busy' | 'slow', cause?: unknown) {
    super(
      reason === 'busy'
        ? 'The workspace is busy (locked or read by many requests at once); try again shortly'
        : 'The workspace is too slow to read right now (its statement ran out of time); try again shortly',
      { cause },
    );
    this.name = 'WorkspaceBusyError';
  }
}
