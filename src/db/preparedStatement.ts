import crypto from 'node:crypto';
import type { QueryConfig } from 'pg';
import type { AppContext } from '../context';

/**
 * A query for the hottest paths as a named prepared statement: Postgres parses and plans it once per
 * connection instead of on every request (for the write path's large statements, planning cost several
 * times their execution). Server mode only: the embedded Postgres shares one session between its
 * connections, so a reconnecting client would prepare the same name twice; there it stays unnamed.
 */
export function prepared(ctx: Pick<AppContext, 'config'>, text: string, values: unknown[]): QueryConfig {
  if (!ctx.config.databaseUrl) return { text, values };
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
