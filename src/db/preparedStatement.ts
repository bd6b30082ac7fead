import crypto from 'node:crypto';
import type { QueryConfig } from 'pg';
import type { AppContext } from '../context';

/**
 * A query for the hottest paths as a named prepared statement: Postgres parses and plans it once per
 * connection instead of on every request (for the write path's large statements, planning cost several
 * times their execution). Both modes: the embedded Postgres shares one session between its connections,
 * so each new connection starts with DEALLOCATE ALL (src/db/pool.ts) and prepares afresh; named statements
 * take embedded writes from ~180 to ~250 a second (bench/embedded.ts).
 */
export function prepared(_ctx: Pick<AppContext, 'config'>, text: string, values: unknown[]): QueryConfig {
  return { name: statementName(text), text, values };
}

const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `parley_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}
