import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import { ZodError } from 'zod';
import type { DB } from '../db/types';
import { createCaller } from '../trpc/routers/_app';
import { systemContext } from '../trpc/system-context';
import { type FlagSpec, type Flags, parseFlags } from './parse-flags';

type Caller = ReturnType<typeof createCaller>;

interface Command {
  flags: FlagSpec;
  run(caller: Caller, flags: Flags): Promise<unknown>;
}

// Flags pass to the procedures as they are: their zod schemas (strict objects) check names and types.
const COMMANDS: Record<string, Command> = {
  'user:create': {
    flags: { values: { username: 'string', password: 'string', name: 'string' }, switches: ['admin'] },
    run: (caller, flags) => caller.admin.createUser(flags as Parameters<Caller['admin']['createUser']>[0]),
  },
  'token:create': {
    flags: { values: { username: 'string', name: 'string', 'expires-in-days': 'number' }, switches: [] },
    run: (caller, flags) => caller.admin.createToken(flags as Parameters<Caller['admin']['createToken']>[0]),
  },
  'token:revoke': {
    flags: { values: { id: 'string' }, switches: [] },
    run: (caller, flags) => caller.admin.revokeToken(flags as Parameters<Caller['admin']['revokeToken']>[0]),
  },
  'app:create': {
    flags: {
      values: { 'natural-id': 'string', name: 'string', owner: 'string', 'quota-bytes': 'number', visibility: 'string' },
      switches: ['workspace'],
    },
    run: (caller, flags) => caller.admin.createApp(flags as Parameters<Caller['admin']['createApp']>[0]),
  },
  'member:add': {
    flags: { values: { app: 'string', username: 'string', role: 'string' }, switches: [] },
    run: (caller, flags) => caller.admin.addMember(flags as Parameters<Caller['admin']['addMember']>[0]),
  },
  'stats:rebuild': {
    flags: { values: { app: 'string' }, switches: [] },
    run: (caller, flags) => caller.maintenance.rebuildStats(flags as Parameters<Caller['maintenance']['rebuildStats']>[0]),
  },
  'stats:check': {
    flags: { values: { app: 'string' }, switches: [] },
    run: (caller, flags) => caller.maintenance.checkStats(flags as Parameters<Caller['maintenance']['checkStats']>[0]),
  },
  'retention:apply': {
    flags: { values: { 'keep-days': 'number' }, switches: ['dry-run'] },
    run: (caller, flags) => caller.maintenance.applyRetention(flags as Parameters<Caller['maintenance']['applyRetention']>[0]),
  },
  'partitions:ensure': {
    flags: { values: { 'months-ahead': 'number', since: 'string' }, switches: [] },
    run: (caller, flags) => caller.maintenance.ensurePartitions(flags as Parameters<Caller['maintenance']['ensurePartitions']>[0]),
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** One line saying what was wrong, naming the flag for validation errors. */
export function describeCliError(error: unknown): string {
  const cause = error instanceof TRPCError ? (error.cause ?? error) : error;
  if (cause instanceof ZodError) {
    const issue = cause.issues[0];
    const key = issue?.path[0];
    if (issue?.code === 'unrecognized_keys') return `Unknown flag: --${kebab(String(issue.keys[0]))}`;
    // zod 4 leaves `input` out of its issues: a missing key is the type error that received undefined.
    if (issue?.code === 'invalid_type' && / received undefined$/.test(issue.message)) return `Missing flag: --${kebab(String(key))}`;
    return `Invalid --${kebab(String(key))}: ${issue?.message ?? 'invalid value'}`;
  }
  if (error instanceof TRPCError && error.code === 'INTERNAL_SERVER_ERROR') {
    return `Internal error: ${error.cause?.message ?? error.message}`;
  }
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'Unknown error';
}

/** Runs one administration command through the tRPC procedures and returns its JSON result. */
export async function runCommand(db: Kysely<DB>, name: string | undefined, args: string[]): Promise<unknown> {
  const command = name ? COMMANDS[name] : undefined;
  if (!command) throw new Error(`Unknown command: ${name ?? '(none)'}; one of ${COMMAND_NAMES.join(', ')}`);
  const flags = parseFlags(args, command.flags);
  const caller = createCaller(systemContext(db));
  return command.run(caller, flags);
}
