import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';
import { env } from './env';

const SECRET_KEYS = ['authorization', 'cookie', 'set-cookie', 'password', 'token', 'passwordHash', 'password_hash', 'token_hash', 'secret'];

// Each secret key at the top level and up to three levels down (req.headers.cookie,
// err.config.password, input.json.token, ...). Bracket notation copes with dashes.
const REDACT_PATHS = ['', '*.', '*.*.', '*.*.*.'].flatMap((prefix) => SECRET_KEYS.map((name) => `${prefix}["${name}"]`));

/**
 * A JSON logger with credentials redacted (Authorization, Cookie, Set-Cookie,
 * passwords, tokens, hashes), writing to `destination` or stdout.
 */
export function createLogger(destination?: DestinationStream, options: { level?: string } = {}): Logger {
  return pino(
    {
      level: options.level ?? env().LOG_LEVEL,
      base: { service: 'appstats' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.errWithCause },
    },
    destination,
  );
}

/** The process-wide logger of the server. */
export const logger: Logger = createLogger();

/** A fresh request id (UUID v4). */
export function newRequestId(): string {
  return randomUUID();
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The id of an incoming request: a well-formed `X-Request-Id` set by a trusted
 * proxy (so logs join up across hops), otherwise a fresh one.
 */
export function requestIdFrom(headers: Headers, trustProxy: boolean): string {
  const incoming = trustProxy ? headers.get('x-request-id') : null;
  return incoming && REQUEST_ID.test(incoming) ? incoming : newRequestId();
}
