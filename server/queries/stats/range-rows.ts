import type { Kysely, RawBuilder } from 'kysely';
import { RangeInputError, type ResolvedRange } from '../../../lib/range';
import type { DB } from '../../db/types';
import { binRepresentative } from './duration-bins';

// What every range read (range.ts, routes.ts) does with the rows of its one
// statement: map PostgreSQL's refusals to the field they concern, turn
// histogram bins into durations, and split the periods of range-units.ts
// into totals, previous and series.

/** The duration a histogram bin stands for (duration-bins.ts), or null where nothing fell. */
export const percentileOf = (bin: number | null | undefined): number | null =>
  bin === null || bin === undefined ? null : binRepresentative(bin);

/**
 * Runs a range read's statement. A zone PostgreSQL does not know (22023) is
 * a bad `tz`; a zone whose offset then was off the 15-minute grid (local
 * mean time) is a bad `from`.
 */
export async function runRangeRead<T extends { aligned: boolean }>(
  statement: RawBuilder<T>,
  db: Kysely<DB>,
  range: ResolvedRange,
): Promise<T[]> {
  let rows: T[];
  try {
    ({ rows } = await statement.execute(db));
  } catch (error) {
    // PostgreSQL's own zone list is the last word: a name it does not know is the caller's mistake.
    if ((error as { code?: string }).code === '22023') throw new RangeInputError('tz', `unknown time zone ${JSON.stringify(range.tz)}`);
    throw error;
  }
  if (rows.some((row) => !row.aligned)) {
    throw new RangeInputError('from', 'the zone had an offset that is not a multiple of 15 minutes then (local mean time)');
  }
  return rows;
}

interface PeriodRow {
  key: string;
  start: Date;
  label: string | null;
}

/** The rows of periodsOf's keys: 0 the range (totals), 1 the one before (previous), 2… the series, whose entries drop the error rate. */
export function periodFigures<R extends PeriodRow, F extends { errorRate: number }>(rows: R[], figuresOf: (row: R | undefined) => F) {
  const series = rows
    .filter((row) => Number(row.key) >= 2)
    .map((row) => {
      const { errorRate: _rate, ...figures } = figuresOf(row);
      return { start: row.start.toISOString(), local: row.label ?? '', ...figures };
    });
  return {
    totals: figuresOf(rows.find((row) => Number(row.key) === 0)),
    previous: figuresOf(rows.find((row) => Number(row.key) === 1)),
    series,
  };
}
