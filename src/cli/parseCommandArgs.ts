import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './cliIo';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs in strict mode, with its errors (unknown option, missing value) turned into
 * usage errors that show the command's help instead of a stack trace.
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError((err as Error).message, usage);
  }
}

export function requirePositional(positionals: string[], index: number, what: string, usage: string): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw usageError(`Missing ${what}.`, usage);
  return value;
}

export function noMorePositionals(positionals: string[], expected: number, usage: string): void {
  if (positionals.length > expected) throw usageError(`Unexpected argument "${positionals[expected]}".`, usage);
}
