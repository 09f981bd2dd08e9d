import path from 'node:path';

/** Where local state lives (embedded PostgreSQL, generated secret): `.data/`, or APPSTATS_DATA_DIR. */
export function dataDir(): string {
  return path.resolve(process.env.APPSTATS_DATA_DIR || path.join(process.cwd(), '.data'));
}
