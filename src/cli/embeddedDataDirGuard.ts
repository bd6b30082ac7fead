import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cliIo';

/**
 * The embedded Postgres (PGlite) has no lock of its own: a second process opening the same data folder
 * succeeds, and both then write the same files, which corrupts the database. (Checked with PGlite 0.5.14:
 * two processes on one dataDir both open and write without any error.) So before the CLI opens it:
 *
 * 1. It looks for another process holding files of the folder open. PGlite keeps the WAL and relation
 *    files open for as long as it runs, so a running server shows up in /proc/<pid>/fd (Linux only;
 *    elsewhere this check finds nothing, and the README tells operators to stop the server first).
 * 2. It takes a lock file (`<dataDir>/cli.lock`, exclusive create, holding our pid) so two CLI commands
 *    never open it together; a lock left by a dead process is taken over.
 *
 * A server started while a CLI command runs is not caught by this; the commands are short.
 */
export interface DataDirLock {
  release(): void;
}

export function lockEmbeddedDataDir(dataDir: string, opts: { procRoot?: string } = {}): DataDirLock {
  const pgdata = path.join(dataDir, 'pgdata');
  const holders = processesUsing(pgdata, opts.procRoot ?? '/proc');
  if (holders.length) throw inUseError(dataDir, holders);

  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'cli.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          fs.rmSync(lockFile, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (owner && owner !== process.pid && isAlive(owner)) throw inUseError(dataDir, [owner]);
      fs.rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new CliError(`Could not take the lock ${lockFile}; another parley command may be starting. Try again.`);
}

function inUseError(dataDir: string, pids: number[]): CliError {
  return new CliError(
    `The embedded database in ${dataDir} is in use by another process (pid ${pids.join(', ')}), ` +
      'probably a running Parley server.\n' +
      'The embedded Postgres allows one process at a time, and opening it twice would corrupt it.\n' +
      'Stop the server and run this command again, or run Parley on a Postgres server (DATABASE_URL), ' +
      'where the CLI and the server can run together.',
  );
}

/** Pids (other than ours) with a file under `dir` open, from /proc/<pid>/fd. Empty where /proc is absent. */
export function processesUsing(dir: string, procRoot = '/proc'): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(procRoot);
  } catch {
    return [];
  }
  const prefix = path.resolve(dir) + path.sep;
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(path.join(procRoot, entry, 'fd'));
    } catch {
      continue; // gone, or not ours to inspect
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(path.join(procRoot, entry, 'fd', fd));
      } catch {
        continue;
      }
      if (target.startsWith(prefix)) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
