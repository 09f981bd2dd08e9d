export const DEFAULT_PAGE_SIZE = 25;
/** The page sizes offered; the API allows 1 to 100. */
export const PAGE_SIZES = [10, 25, 50, 100] as const;

/** Page (1-based) and page size from the URL; anything odd falls back to page 1 of 25. */
export function parsePaging(params: { page?: string | string[] | null; size?: string | string[] | null }): { page: number; size: number } {
  const first = (value: string | string[] | null | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';
  const page = Number.parseInt(first(params.page), 10);
  const size = Number.parseInt(first(params.size), 10);
  return {
    page: Number.isSafeInteger(page) && page >= 1 && page <= 10_000_000 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}
