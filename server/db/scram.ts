import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * A SCRAM-SHA-256 verifier of `password`, the form PostgreSQL stores: `ALTER
 * ROLE … PASSWORD '<verifier>'` sets the password without the plain text ever
 * reaching the server, so not its log either (RFC 5802/7677, 4096 iterations as
 * libpq). For ASCII passwords (SASLprep leaves them as they are): ours are
 * base64url.
 */
export function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (text: string) => createHmac('sha256', salted).update(text).digest();
  const storedKey = createHash('sha256').update(hmac('Client Key')).digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${hmac('Server Key').toString('base64')}`;
}
