import type { Pool } from 'pg';
import { migrate } from '../db/migrator';
import type { CliIo } from './cliIo';

/** `parley migrate`: applies pending migrations (the server also does this at start) and says what it did. */
export async function migrateCommand(pool: Pool, io: CliIo, dir?: string): Promise<void> {
  const result = await migrate(pool, dir);
  for (const name of result.applied) io.out(`applied  ${name}`);
  if (result.applied.length) {
    io.out(`Applied ${result.applied.length} migration(s); ${result.alreadyApplied.length} were already applied.`);
  } else {
    io.out(`Database is up to date (${result.alreadyApplied.length} migration(s) applied earlier).`);
  }
}
