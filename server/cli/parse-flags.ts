/** How a command's flags are read: which take a value, which are switches, which are numbers. */
export interface FlagSpec {
  values: Record<string, 'string' | 'number'>;
  switches: string[];
}

export type Flags = Record<string, string | number | boolean>;

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Parses `--flag value` and `--switch` arguments into camelCased keys.
 * Unknown flags, stray words, missing values and non-numbers are errors.
 */
export function parseFlags(args: string[], spec: FlagSpec): Flags {
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq > 0 ? eq : undefined) : null;
    if (name === null) throw new Error(`Unexpected argument: ${arg}`);
    if (spec.switches.includes(name)) {
      if (eq > 0) throw new Error(`--${name} takes no value`);
      flags[camel(name)] = true;
      continue;
    }
    const kind = spec.values[name];
    if (!kind) throw new Error(`Unknown flag: --${name}`);
    const raw = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new Error(`--${name} needs a value`);
    if (camel(name) in flags) throw new Error(`--${name} given twice`);
    if (kind === 'number') {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw new Error(`--${name} must be a number, got ${JSON.stringify(raw)}`);
      flags[camel(name)] = value;
    } else {
      flags[camel(name)] = raw;
    }
  }
  return flags;
}
