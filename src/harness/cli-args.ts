/**
 * The CLI's flags, parsed by node:util parseArgs (strict) from one table: which flags exist, whether
 * they take a value, and which commands they apply to. Every mistake is one ERR_USAGE line (exit 2).
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { HarnessError } from './types';

export const COMMANDS = ['run', 'list', 'sp-metadata', 'reference-idp', 'report', 'replay'] as const;
export type Command = (typeof COMMANDS)[number];

interface FlagSpec {
  /** `string`: takes a value (repeatable where the command reads several); `boolean`: a switch. */
  type: 'string' | 'boolean';
  commands: readonly Command[];
}

export const FLAGS: Record<string, FlagSpec> = {
  target: { type: 'string', commands: ['run', 'sp-metadata'] },
  profile: { type: 'string', commands: ['run', 'list', 'sp-metadata'] },
  grep: { type: 'string', commands: ['run'] },
  requirement: { type: 'string', commands: ['run'] },
  strict: { type: 'boolean', commands: ['run'] },
  'no-preflight': { type: 'boolean', commands: ['run'] },
  'report-dir': { type: 'string', commands: ['run', 'report', 'replay'] },
  fault: { type: 'string', commands: ['run', 'reference-idp'] },
  mode: { type: 'string', commands: ['run', 'reference-idp'] },
  shard: { type: 'string', commands: ['run'] },
  jobs: { type: 'string', commands: ['run'] },
  'rerun-failed': { type: 'string', commands: ['run'] },
  matrix: { type: 'boolean', commands: ['report'] },
  merge: { type: 'boolean', commands: ['report'] },
  diff: { type: 'boolean', commands: ['report'] },
  json: { type: 'boolean', commands: ['list'] },
  signed: { type: 'boolean', commands: ['sp-metadata'] },
  encrypted: { type: 'boolean', commands: ['sp-metadata'] },
  port: { type: 'string', commands: ['reference-idp'] },
  'list-faults': { type: 'boolean', commands: ['reference-idp'] },
  'write-target': { type: 'string', commands: ['reference-idp'] },
};

/** Commands that take positional arguments (the rest take none). */
const POSITIONALS: Partial<Record<Command, string>> = {
  report: 'FILE or DIR',
  replay: '<report-dir> <check-id>',
};

export interface Args {
  command: string;
  /** `--name` → every value given (switches: ['true']), in order. */
  flags: Map<string, string[]>;
  positionals: string[];
}

const SEE_HELP = 'see `idp-conformance --help`';

/** The quoted option name in a parseArgs error message ("Unknown option '--nope'..."). */
function optionIn(message: string): string {
  const m = /'(-{1,2}[^' <]+)/.exec(message);
  return m?.[1] ?? 'an option';
}

export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (!command) throw new HarnessError('ERR_USAGE', 'no command given', 'try `idp-conformance --help`');
  const options: Record<string, { type: 'string' | 'boolean'; multiple: true; short?: string }> = {
    help: { type: 'boolean', multiple: true, short: 'h' },
  };
  for (const [name, spec] of Object.entries(FLAGS)) options[name] = { type: spec.type, multiple: true };
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args: rest, options, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const flag = optionIn(err.message);
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new HarnessError('ERR_USAGE', `unknown option ${flag}`, SEE_HELP);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const what = /does not take an argument/.test(err.message) ? 'takes no value' : 'needs a value';
      throw new HarnessError('ERR_USAGE', `${flag} ${what}`, SEE_HELP);
    }
    throw new HarnessError('ERR_USAGE', err.message.split('\n')[0] ?? err.message, SEE_HELP);
  }
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (const t of parsed.tokens ?? []) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const key = `--${t.name}`;
    const spec = FLAGS[t.name];
    if (
      spec &&
      (COMMANDS as readonly string[]).includes(command) &&
      !spec.commands.includes(command as Command)
    ) {
      throw new HarnessError(
        'ERR_USAGE',
        `${key} does not apply to ${command}`,
        `it works with: ${spec.commands.join(', ')}`,
      );
    }
    if (t.value !== undefined && t.value.startsWith('--') && !t.inlineValue)
      throw new HarnessError('ERR_USAGE', `${key} needs a value`, SEE_HELP);
    flags.set(key, [...(flags.get(key) ?? []), t.value ?? 'true']);
  }
  if (positionals.length > 0 && !flags.has('--help') && !POSITIONALS[command as Command]) {
    throw new HarnessError('ERR_USAGE', `unexpected argument ${positionals[0]} for ${command}`, SEE_HELP);
  }
  return { command, flags, positionals };
}

/** The last value of a flag that takes one value (a repeated one: the last wins). */
export function flag(args: Args, name: string): string | undefined {
  return args.flags.get(name)?.at(-1);
}

/** A flag's value as an integer in [min, max], or a one-line usage error. */
export function intFlag(args: Args, name: string, min: number, max: number): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new HarnessError('ERR_USAGE', `${name} ${v}: expected a whole number ${min}–${max}`, SEE_HELP);
  return Number(v);
}
