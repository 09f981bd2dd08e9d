import { hasControlCharacters } from './text';

/**
 * A `?next=` target limited to paths of this site: starts with one `/`, no
 * scheme, no `//host`, no backslash tricks, no control characters. Anything
 * else falls back to `/apps`.
 */
export function safeNextPath(value: string | string[] | null | undefined): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  if (!candidate || candidate.length > 2000) return '/apps';
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.includes('\\')) return '/apps';
  // Browsers drop tabs and newlines inside URLs, so "/\t/evil.example" could become "//evil.example".
  if (hasControlCharacters(candidate)) return '/apps';
  try {
    const url = new URL(candidate, 'http://same.invalid');
    if (url.origin !== 'http://same.invalid') return '/apps';
    if (url.pathname.startsWith('/login') || url.pathname.startsWith('/api/')) return '/apps';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/apps';
  }
}
