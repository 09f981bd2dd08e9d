/** The tRPC error code of a failed query or mutation, e.g. 'FORBIDDEN', or null. */
export function errorCode(error: unknown): string | null {
  const data = (error as { data?: { code?: unknown } } | null)?.data;
  return typeof data?.code === 'string' ? data.code : null;
}
