/** The sort of a rows page: one column (the primary key or an indexed one), either direction. */
export interface GridSort {
  column: string;
  direction: 'asc' | 'desc';
}

/** `?sort=column&dir=desc` from the URL, or null for the table's own order (primary key, or physical without one). */
export function parseSort(column: string | null | undefined, dir: string | null | undefined): GridSort | null {
  if (!column || column.length > 200) return null;
  return { column, direction: dir === 'desc' ? 'desc' : 'asc' };
}
