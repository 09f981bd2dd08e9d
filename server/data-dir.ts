import path from 'node:path';
import { env } from './env';

/** Where local state lives (embedded PostgreSQL, generated secret): `.data/`, or APPSTATS_DATA_DIR. */
export function dataDir(): string {
  return path.resolve(env().APPSTATS_DATA_DIR ?? path.join(process.cwd(), '.data'));
}
