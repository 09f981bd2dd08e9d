import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDayShort,
  formatDuration,
  formatMiB,
  formatNumber,
  formatPercent,
  formatRelative,
  formatRowCount,
  formatUtc,
} from '../../lib/format';
import { parsePaging } from '../../lib/paging';
import { safeNextPath } from '../../lib/safe-next';

// The pages' formatting helpers (lib/); a no-break space joins numbers and units.
const sp = (text: string) => text.replace(/\u00a0/g, ' ');

describe('formatting', () => {
  it('writes numbers, percentages and bytes as the design asks', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(sp(formatPercent(1.54))).toBe('1.54 %');
    expect(sp(formatPercent(0))).toBe('0 %');
    expect(sp(formatBytes(512))).toBe('512 B');
    expect(sp(formatBytes(1073741824))).toBe('1 GiB');
    expect(sp(formatBytes(2_100_000))).toBe('2.0 MiB');
    expect(sp(formatBytes(163840))).toBe('160 KiB');
    expect(sp(formatBytes(1024 * 1024 - 1))).toBe('1.0 MiB');
    expect(sp(formatMiB(12_582_912))).toBe('12.0 MiB');
  });

  it('writes durations in ms, s, min and h', () => {
    expect(sp(formatDuration(245))).toBe('245 ms');
    expect(sp(formatDuration(1234))).toBe('1.2 s');
    expect(sp(formatDuration(42_000))).toBe('42 s');
    expect(sp(formatDuration(191_000))).toBe('3 min 11 s');
    expect(sp(formatDuration(180_000))).toBe('3 min');
    expect(sp(formatDuration(7_500_000))).toBe('2 h 5 min');
  });

  it('writes dates in UTC and says so; relative times and day labels', () => {
    expect(formatUtc('2024-02-23T14:30:00.000Z')).toBe('2024-02-23 14:30 UTC');
    expect(formatUtc('2024-02-23T14:30:05.000Z', true)).toBe('2024-02-23 14:30:05 UTC');
    const now = Date.parse('2024-02-23T14:30:00.000Z');
    expect(formatRelative('2024-02-23T14:29:58.000Z', now)).toBe('just now');
    expect(formatRelative('2024-02-23T14:29:48.000Z', now)).toBe('12 s ago');
    expect(formatRelative('2024-02-23T14:27:00.000Z', now)).toBe('3 min ago');
    expect(formatRelative('2024-02-20T14:30:00.000Z', now)).toBe('3 days ago');
    expect(formatDayShort('2024-02-23')).toBe('Fri 23');
  });

  it('marks estimated row counts', () => {
    expect(formatRowCount(1250, false)).toBe('1,250');
    expect(formatRowCount(10_200_000, true)).toBe('≈ 10.2 M');
    expect(formatRowCount(24_000, true)).toBe('≈ 24.0 K');
  });
});

describe('safeNextPath', () => {
  it('keeps paths of this site', () => {
    expect(safeNextPath('/apps/storefront/tables?page=2')).toBe('/apps/storefront/tables?page=2');
    expect(safeNextPath(['/apps/x', '/apps/y'])).toBe('/apps/x');
  });

  it('refuses other sites, schemes, tricks and loops back to /login', () => {
    for (const bad of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil',
      'javascript:alert(1)',
      '/\t/evil.example',
      '/login?next=/apps',
      '/api/trpc/auth.signOut',
      '',
      undefined,
      null,
    ]) {
      expect(safeNextPath(bad)).toBe('/apps');
    }
  });
});

describe('parsePaging', () => {
  it('reads page and size, falling back to page 1 of 25', () => {
    expect(parsePaging({ page: '3', size: '50' })).toEqual({ page: 3, size: 50 });
    expect(parsePaging({})).toEqual({ page: 1, size: 25 });
    expect(parsePaging({ page: '0', size: '101' })).toEqual({ page: 1, size: 25 });
    expect(parsePaging({ page: '-2', size: '37' })).toEqual({ page: 1, size: 25 });
    expect(parsePaging({ page: '2.5', size: 'x' })).toEqual({ page: 2, size: 25 });
  });
});
