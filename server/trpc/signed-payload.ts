import { createHmac, timingSafeEqual } from 'node:crypto';
import { authSecret } from '../auth/secret';

// An opaque token the service issues and alone can vouch for: a JSON payload as
// base64url, a dot, and an HMAC of it under the service's secret and a purpose
// (so a token of one kind never passes for another). The cursors use it.

function mac(purpose: string, body: string): Buffer {
  return createHmac('sha256', authSecret()).update(`${purpose}\0${body}`).digest();
}

/** `payload` signed for `purpose`. */
export function signPayload(purpose: string, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(purpose, body).toString('base64url')}`;
}

/** The payload of a token this service signed for `purpose`, unchecked in shape; undefined for anything else. */
export function verifiedPayload(purpose: string, token: string): unknown {
  const [body, signature, ...rest] = token.split('.');
  const given = Buffer.from(signature ?? '', 'base64url');
  const wanted = body ? mac(purpose, body) : Buffer.alloc(0);
  if (!body || rest.length > 0 || given.length !== wanted.length || !timingSafeEqual(given, wanted)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
