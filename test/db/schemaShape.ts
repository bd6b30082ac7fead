/**
 * One shape for "what the database should look like" (from schema.prisma) and "what it does look like"
 * (from pg_catalog), so the two compare with a plain structural diff.
 * Names, types and default expressions are written the way Postgres prints them back
 * (format_type, pg_get_expr), and constraint names follow Prisma's conventions.
 */
export interface ColumnShape {
  /** format_type(): `text`, `uuid`, `timestamp(3) without time zone`, `"CommentStatus"`, `text[]` */
  type: string;
  nullable: boolean;
  /** pg_get_expr() of the default, or null; sequences read as `autoincrement()` */
  default: string | null;
}

export interface IndexShape {
  unique: boolean;
  /** Column names in index order, `<col> DESC` for descending ones. */
  columns: string[];
  using: string;
  /** Prisma makes plain (unique) indexes, never UNIQUE constraints, expression or partial indexes. */
  kind: 'index';
}

export interface ForeignKeyShape {
  columns: string[];
  references: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: { name: string; columns: string[] } | null;
  indexes: Record<string, IndexShape>;
  foreignKeys: Record<string, ForeignKeyShape>;
  /** CHECK and EXCLUDE constraints: Prisma has none. */
  otherConstraints: string[];
}

export interface SchemaShape {
  tables: Record<string, TableShape>;
  enums: Record<string, string[]>;
}

/**
 * Every difference as one readable line, e.g.
 * `tables.Comment.columns.extra: only in schema.prisma`, or
 * `tables.Page.columns.title.nullable: schema.prisma says false, database has true`.
 */
export function diffShapes(expected: unknown, actual: unknown, path = ''): string[] {
  if (isRecord(expected) && isRecord(actual)) {
    const out: string[] = [];
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const p = path ? `${path}.${key}` : key;
      if (!(key in actual)) out.push(`${p}: only in schema.prisma`);
      else if (!(key in expected)) out.push(`${p}: only in the database`);
      else out.push(...diffShapes(expected[key], actual[key], p));
    }
    return out;
  }
  const e = JSON.stringify(expected);
  const a = JSON.stringify(actual);
  return e === a ? [] : [`${path}: schema.prisma says ${e}, database has ${a}`];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
