import fs from 'node:fs';
import path from 'node:path';
import type { ColumnShape, ForeignKeyShape, IndexShape, SchemaShape, TableShape } from './schemaShape';

/**
 * The database schema.prisma asks for, as Prisma's own parser sees it (@prisma/prisma-schema-wasm,
 * pinned to the engines version of our prisma packages, so it reads the file exactly as `prisma generate`
 * and `prisma migrate` do), translated with Prisma's PostgreSQL conventions:
 * - default native types (String -> text, DateTime -> timestamp(3), Json -> jsonb, ...);
 * - list columns are nullable (Prisma never adds NOT NULL to scalar lists);
 * - names: <Table>_pkey, <Table>_<cols>_key (unique), <Table>_<cols>_idx, <Table>_<cols>_fkey;
 * - referential actions default to onDelete SetNull (optional relation) or Restrict, onUpdate Cascade.
 * Anything outside what this maps throws, so a new construct in the schema is noticed, not ignored.
 */
export const SCHEMA_PATH = path.resolve(__dirname, '../../prisma/schema.prisma');

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  isUpdatedAt: boolean;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc'; length?: number; operatorClass?: string }[];
}
export interface Datamodel {
  models: DmmfModel[];
  enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
  indexes: DmmfIndex[];
}

export function loadDatamodel(schemaText = fs.readFileSync(SCHEMA_PATH, 'utf8')): Datamodel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] })));
  return dmmf.datamodel as Datamodel;
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Decimal: 'numeric(65,30)',
  Bytes: 'bytea',
};

const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Uuid: () => 'uuid',
  Text: () => 'text',
  VarChar: (a) => (a.length ? `character varying(${a[0]})` : 'character varying'),
  Char: (a) => `character(${a[0] ?? 1})`,
  Timestamptz: (a) => `timestamp(${a[0] ?? 3}) with time zone`,
  Timestamp: (a) => `timestamp(${a[0] ?? 3}) without time zone`,
  Date: () => 'date',
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  BigInt: () => 'bigint',
  DoublePrecision: () => 'double precision',
  Real: () => 'real',
  Boolean: () => 'boolean',
  JsonB: () => 'jsonb',
  Json: () => 'json',
  Inet: () => 'inet',
  Citext: () => 'citext',
};

/** How Postgres prints an identifier: bare when lowercase and plain, otherwise double-quoted. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function columnType(field: DmmfField, enumDbName: (name: string) => string): string {
  let base: string;
  if (field.kind === 'enum') base = quoteIdent(enumDbName(field.type));
  else if (field.nativeType) {
    const [name, args] = field.nativeType;
    const map = NATIVE_TYPES[name];
    if (!map) throw new Error(`schema test: native type @db.${name} is not mapped yet (field ${field.name})`);
    base = map(args);
  } else {
    base = SCALAR_TYPES[field.type];
    if (!base) throw new Error(`schema test: Prisma type ${field.type} is not mapped yet (field ${field.name})`);
  }
  return field.isList ? `${base}[]` : base;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The default expression as pg_get_expr prints it back for the migration Prisma would write. */
function columnDefault(field: DmmfField, type: string): string | null {
  if (!field.hasDefaultValue) return null;
  const d = field.default as unknown;
  if (d && typeof d === 'object' && !Array.isArray(d) && 'name' in d) {
    const fn = d as { name: string; args: unknown[] };
    if (fn.name === 'now') return 'CURRENT_TIMESTAMP';
    if (fn.name === 'autoincrement') return 'autoincrement()';
    if (fn.name === 'dbgenerated' && typeof fn.args[0] === 'string') return fn.args[0];
    // uuid(), cuid(), nanoid() are filled in by the client: no database default.
    if (['uuid', 'cuid', 'nanoid', 'ulid'].includes(fn.name)) return null;
    throw new Error(`schema test: default ${fn.name}() is not mapped yet (field ${field.name})`);
  }
  if (field.isList) {
    if (Array.isArray(d) && d.length === 0) return `ARRAY[]::${type}`;
    throw new Error(`schema test: non-empty list default is not mapped yet (field ${field.name})`);
  }
  if (field.kind === 'enum') return `${sqlString(String(d))}::${type}`;
  switch (field.type) {
    case 'String':
      return `${sqlString(String(d))}::${type}`;
    case 'Json':
      return `${sqlString(String(d))}::${type}`;
    case 'Boolean':
      return String(d);
    case 'Int':
    case 'BigInt':
    case 'Float':
      return Number(d) < 0 ? `'${d}'::${type}` : String(d);
  }
  throw new Error(`schema test: default of type ${field.type} is not mapped yet (field ${field.name})`);
}

const REFERENTIAL_ACTIONS = new Set(['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault']);

export function expectedShape(dm: Datamodel): SchemaShape {
  const enumDbName = (name: string) => {
    const e = dm.enums.find((x) => x.name === name);
    return e?.dbName ?? name;
  };
  const modelByName = new Map(dm.models.map((m) => [m.name, m]));
  const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
  const columnOf = (m: DmmfModel, fieldName: string) => {
    const f = m.fields.find((x) => x.name === fieldName);
    if (!f) throw new Error(`schema test: ${m.name}.${fieldName} not found`);
    return f.dbName ?? f.name;
  };

  const tables: Record<string, TableShape> = {};
  for (const model of dm.models) {
    if (model.schema) throw new Error(`schema test: multi-schema models are not mapped yet (${model.name})`);
    const table = tableOf(model);
    const columns: Record<string, ColumnShape> = {};
    for (const f of model.fields) {
      if (f.kind === 'object') continue;
      if (f.kind === 'unsupported') throw new Error(`schema test: Unsupported() types are not mapped yet (${model.name}.${f.name})`);
      const type = columnType(f, enumDbName);
      columns[f.dbName ?? f.name] = { type, nullable: f.isList || !f.isRequired, default: columnDefault(f, type) };
    }

    const shape: TableShape = { columns, primaryKey: null, indexes: {}, foreignKeys: {}, otherConstraints: [] };
    for (const idx of dm.indexes.filter((i) => i.model === model.name)) {
      const cols = idx.fields.map((f) => {
        if (f.length !== undefined || f.operatorClass !== undefined) {
          throw new Error(`schema test: index length/operator classes are not mapped yet (${model.name})`);
        }
        return columnOf(model, f.name);
      });
      const described = idx.fields.map((f, i) => (f.sortOrder === 'desc' ? `${cols[i]} DESC` : cols[i]));
      if (idx.type === 'id') {
        shape.primaryKey = { name: idx.dbName ?? `${table}_pkey`, columns: cols };
        continue;
      }
      if (idx.type === 'fulltext') throw new Error('schema test: fulltext indexes do not exist on PostgreSQL');
      const suffix = idx.type === 'unique' ? 'key' : 'idx';
      const name = idx.dbName ?? `${table}_${cols.join('_')}_${suffix}`;
      if (name.length > 63) throw new Error(`schema test: index name ${name} is longer than Postgres allows; give it map:`);
      const using = (idx.algorithm ?? 'BTree').toLowerCase();
      shape.indexes[name] = { unique: idx.type === 'unique', columns: described, using, kind: 'index' };
    }

    for (const f of model.fields) {
      if (f.kind !== 'object' || !f.relationFromFields?.length) continue;
      const target = modelByName.get(f.type)!;
      const cols = f.relationFromFields.map((n) => columnOf(model, n));
      const optional = f.relationFromFields.some((n) => !model.fields.find((x) => x.name === n)!.isRequired);
      const onDelete = f.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict');
      const onUpdate = f.relationOnUpdate ?? 'Cascade';
      for (const action of [onDelete, onUpdate]) {
        if (!REFERENTIAL_ACTIONS.has(action)) throw new Error(`schema test: referential action ${action} is not mapped`);
      }
      const fk: ForeignKeyShape = {
        columns: cols,
        references: tableOf(target),
        referencedColumns: (f.relationToFields ?? []).map((n) => columnOf(target, n)),
        onDelete,
        onUpdate,
      };
      shape.foreignKeys[`${table}_${cols.join('_')}_fkey`] = fk;
    }
    tables[table] = shape;
  }

  const enums: Record<string, string[]> = {};
  for (const e of dm.enums) enums[e.dbName ?? e.name] = e.values.map((v) => v.dbName ?? v.name);
  return { tables, enums };
}
