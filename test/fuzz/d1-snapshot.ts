import { env } from "cloudflare:workers";
import { z } from "zod";

/** Every row of every application table, keyed by primary key (rowid when a table declares none). */
export type Snapshot = Map<string, Map<string, Record<string, unknown>>>;

const TableZ = z.object({ name: z.string() });
const ColumnZ = z.object({ name: z.string(), pk: z.number() });
const RowZ = z.record(z.string(), z.unknown());

let tables: { name: string; key: string[] }[] | undefined;

/** Application tables: everything but D1's and SQLite's own bookkeeping and the migrations log. */
async function applicationTables() {
  if (tables) return tables;
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name <> 'd1_migrations' ORDER BY name",
  ).all();
  const found: { name: string; key: string[] }[] = [];
  for (const { name } of z.array(TableZ).parse(results)) {
    const columns = z
      .array(ColumnZ)
      .parse((await env.DB.prepare("SELECT name, pk FROM pragma_table_info(?)").bind(name).all()).results);
    const key = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    found.push({ name, key });
  }
  tables = found;
  return found;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

export async function snapshotD1(): Promise<Snapshot> {
  const list = await applicationTables();
  const results = await env.DB.batch(
    list.map(({ name, key }) =>
      env.DB.prepare(`SELECT ${key.length === 0 ? "rowid AS __rowid, " : ""}* FROM ${quote(name)}`),
    ),
  );
  const snapshot: Snapshot = new Map();
  list.forEach(({ name, key }, i) => {
    const rows = new Map<string, Record<string, unknown>>();
    for (const raw of z.array(RowZ).parse(results[i]?.results ?? [])) {
      rows.set(JSON.stringify((key.length === 0 ? ["__rowid"] : key).map((k) => raw[k])), raw);
    }
    snapshot.set(name, rows);
  });
  return snapshot;
}

export interface RowChange {
  table: string;
  key: string;
  before: Record<string, unknown> | undefined;
  after: Record<string, unknown> | undefined;
  /** Columns whose value differs (every column when the row was added or removed). */
  columns: string[];
}

export function diffSnapshots(before: Snapshot, after: Snapshot): RowChange[] {
  const changes: RowChange[] = [];
  for (const [table, afterRows] of after) {
    const beforeRows = before.get(table) ?? new Map<string, Record<string, unknown>>();
    for (const [key, row] of afterRows) {
      const old = beforeRows.get(key);
      const columns = Object.keys(row).filter((c) => JSON.stringify(old?.[c]) !== JSON.stringify(row[c]));
      if (!old || columns.length > 0)
        changes.push({ table, key, before: old, after: row, columns: old ? columns : Object.keys(row) });
    }
    for (const [key, row] of beforeRows) {
      if (!afterRows.has(key))
        changes.push({ table, key, before: row, after: undefined, columns: Object.keys(row) });
    }
  }
  return changes;
}

export function describeChange(change: RowChange): string {
  const kind = !change.before ? "added" : !change.after ? "removed" : `changed ${change.columns.join(", ")}`;
  const show = (row: Record<string, unknown> | undefined) =>
    row ? JSON.stringify(Object.fromEntries(change.columns.map((c) => [c, row[c]]))).slice(0, 400) : "-";
  return `${change.table} ${change.key} ${kind}: ${show(change.before)} → ${show(change.after)}`;
}
