import { createHash, randomBytes } from 'node:crypto';

/** API tokens: a recognisable prefix and 256 random bits, base64url. */
export const TOKEN_PREFIX = 'ast_';
const TOKEN_PATTERN = /^ast_[A-Za-z0-9_-]{43}$/;

/** A new token; only `hash` is ever stored. */
export function generateToken(): { token: string; hash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** SHA-256 of the token, hex: what the database keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether a string has the shape of a token at all (cheap reject before any lookup). */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}
