import type { Pool } from 'pg';
import type { SchemaShape, TableShape } from './schemaShape';

/** pg_constraint's one-letter referential actions, in Prisma's words. */
const ACTIONS: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

/** The tables, columns, keys, indexes and enums of the current schema (search_path's first), from pg_catalog. */
export async function introspectDatabase(pool: Pool, opts: { ignoreTables?: string[] } = {}): Promise<SchemaShape> {
  const ignore = new Set(opts.ignoreTables ?? ['_prisma_migrations']);
  const tables: Record<string, TableShape> = {};
  const table = (name: string) =>
    (tables[name] ??= { columns: {}, primaryKey: null, indexes: {}, foreignKeys: {}, otherConstraints: [] });

  const relations = await pool.query<{ name: string; kind: string }>(`
    SELECT c.relname::text AS name, c.relkind::text AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`);
  for (const r of relations.rows) {
    if (ignore.has(r.name)) continue;
    // Views and foreign tables would show up as tables Prisma does not know.
    table(r.kind === 'r' || r.kind === 'p' ? r.name : `${r.name} (relkind ${r.kind})`);
  }

  const columns = await pool.query<{ table: string; column: string; type: string; nullable: boolean; default: string | null }>(`
    SELECT c.relname::text AS table, a.attname::text AS column, format_type(a.atttypid, a.atttypmod) AS type,
           NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`);
  for (const c of columns.rows) {
    if (ignore.has(c.table)) continue;
    // A serial's default names its sequence; Prisma writes it as autoincrement().
    const def = c.default && /^nextval\('[^']+'::regclass\)$/.test(c.default) ? 'autoincrement()' : c.default;
    table(c.table).columns[c.column] = { type: c.type, nullable: c.nullable, default: def };
  }

  const indexes = await pool.query<{
    table: string; name: string; unique: boolean; primary: boolean; using: string;
    columns: string[]; descending: boolean[]; expressions: boolean; partial: boolean; is_constraint: boolean;
  }>(`
    SELECT t.relname::text AS table, i.relname::text AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
           am.amname::text AS using,
           ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
           ARRAY(SELECT (o & 1) = 1 FROM unnest(ix.indoption::int2[]) WITH ORDINALITY k(o, ord) ORDER BY k.ord) AS descending,
           ix.indexprs IS NOT NULL AS expressions, ix.indpred IS NOT NULL AS partial,
           EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.contype IN ('u', 'x')) AS is_constraint
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = i.relam
    WHERE n.nspname = current_schema()`);
  for (const ix of indexes.rows) {
    if (ignore.has(ix.table)) continue;
    if (ix.primary) {
      table(ix.table).primaryKey = { name: ix.name, columns: ix.columns };
      continue;
    }
    // Expression indexes cannot be written in schema.prisma: introspectExtras lists them instead.
    if (ix.expressions) continue;
    const kind = ix.partial ? 'partial index' : ix.is_constraint ? 'constraint' : 'index';
    table(ix.table).indexes[ix.name] = {
      unique: ix.unique,
      columns: ix.columns.map((c, i) => (ix.descending[i] ? `${c} DESC` : c)),
      using: ix.using,
      kind: kind as 'index',
    };
  }

  const constraints = await pool.query<{
    table: string; name: string; type: string; columns: string[]; references: string | null;
    referenced_columns: string[]; on_delete: string; on_update: string;
  }>(`
    SELECT t.relname::text AS table, con.conname::text AS name, con.contype::text AS type,
           ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
           rt.relname::text AS references,
           ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS referenced_columns,
           con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
    FROM pg_constraint con
    JOIN pg_class t ON t.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_class rt ON rt.oid = con.confrelid
    WHERE n.nspname = current_schema() AND con.contype IN ('f', 'c', 'x', 'u', 'p')`);
  for (const con of constraints.rows) {
    if (ignore.has(con.table)) continue;
    const t = table(con.table);
    if (con.type === 'f') {
      t.foreignKeys[con.name] = {
        columns: con.columns,
        references: con.references!,
        referencedColumns: con.referenced_columns,
        onDelete: ACTIONS[con.on_delete] ?? con.on_delete,
        onUpdate: ACTIONS[con.on_update] ?? con.on_update,
      };
    } else if (con.type === 'p') {
      // The primary key's index was read above; its constraint must carry the same name.
      if (t.primaryKey?.name !== con.name) t.otherConstraints.push(`primary key constraint ${con.name}`);
    } else if (con.type === 'c' || con.type === 'x') {
      t.otherConstraints.push(`${con.type === 'c' ? 'check' : 'exclusion'} ${con.name}`);
    }
    // 'u' constraints were flagged on their index (kind: 'constraint').
  }

  const enumRows = await pool.query<{ name: string; values: string[] }>(`
    SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema()
    GROUP BY t.typname`);
  const enums: Record<string, string[]> = {};
  for (const e of enumRows.rows) enums[e.name] = e.values;

  return { tables, enums };
}

/** Triggers and functions: objects Prisma does not model, which the migration adds on purpose. */
export async function introspectExtras(pool: Pool): Promise<{ triggers: string[]; functions: string[]; expressionIndexes: string[] }> {
  const triggers = await pool.query<{ name: string }>(`
    SELECT c.relname || '.' || tg.tgname AS name
    FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT tg.tgisinternal AND n.nspname = current_schema() ORDER BY 1`);
  const functions = await pool.query<{ name: string }>(`
    SELECT p.proname::text AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema() ORDER BY 1`);
  // Each as `table.name: columns`, e.g. `Comment.Comment_x_idx: "siteId", lower(btrim(email))`.
  const expressionIndexes = await pool.query<{ name: string }>(`
    SELECT t.relname || '.' || i.relname || ': ' ||
           (SELECT string_agg(pg_get_indexdef(ix.indexrelid, k, true), ', ' ORDER BY k)
              FROM generate_series(1, ix.indnatts) k) AS name
    FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE ix.indexprs IS NOT NULL AND n.nspname = current_schema() ORDER BY 1`);
  return {
    triggers: triggers.rows.map((r) => r.name),
    functions: functions.rows.map((r) => r.name),
    expressionIndexes: expressionIndexes.rows.map((r) => r.name),
  };
}
