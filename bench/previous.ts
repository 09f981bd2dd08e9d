import { existsSync, readFileSync } from 'node:fs';
import type { BenchRow } from './report';

// The previous full run, read back from the RESULTS.md this run replaces, so
// that the figures a change is meant to keep (or expected to cost) stand
// beside the ones before it: the ingestion ratios, rollups against
// trigger-less, on whatever tables the previous run had.

/** Rows of the previous run whose measurement starts with one of these are compared. */
const COMPARED = ['COPY ', '16 single-row writers'];

interface PreviousRun {
  date: string;
  ratios: Map<string, string>;
}

/** The date and each row's ratio of a RESULTS.md, or null when there is none (or it is not one). */
export function readPreviousRun(file: string): PreviousRun | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const date = /on (\d{4}-\d{2}-\d{2}T[\d:.]+Z)\./.exec(text)?.[1];
  if (!date) return null;
  const ratios = new Map<string, string>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | measurement | figure | reference | ratio | goal | met |
    if (cells.length >= 7 && cells[1] && !/^-+$/.test(cells[1])) ratios.set(cells[1], cells[4] ?? '');
  }
  return { date, ratios };
}

/** One note naming each compared row's ratio now and in the previous run. */
export function comparedToPrevious(rows: BenchRow[], previous: PreviousRun | null): string[] {
  if (!previous) return [];
  const pairs = rows
    .filter((row) => COMPARED.some((prefix) => row.measurement.startsWith(prefix)))
    .map((row) => `${row.measurement} ${row.ratio} (was ${previous.ratios.get(row.measurement) || 'not measured'})`);
  return pairs.length
    ? [`Against the previous full run (${previous.date}), the ingestion ratios, each beside its own reference: ${pairs.join('; ')}.`]
    : [];
}
