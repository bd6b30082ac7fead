import type { AppContext } from '../../src/context';
import type { CliIo } from '../../src/cli/cliIo';
import { reportError, runCommand } from '../../src/cli/main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `parley <argv...>` in-process against the test context, as main() would, capturing its output. */
export async function runCli(ctx: AppContext, ...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  let code = 0;
  try {
    await runCommand(ctx, argv, io);
  } catch (e) {
    code = reportError(e, io);
  }
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The API key a `moderator create` or `moderator key` run printed. */
export function printedKey(run: CliRun): string {
  const keys = run.out.match(/pk_[A-Za-z0-9_-]{43}/g) ?? [];
  if (keys.length !== 1) throw new Error(`expected one key in output, found ${keys.length}:\n${run.out}`);
  return keys[0];
}
