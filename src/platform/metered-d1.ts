import type { StorageMeter } from "./storage-meter";

/**
 * A D1Database that reports every round trip to the request's meter. Statement methods are
 * wrapped on the statement objects themselves, so `batch()` still receives real statements (a
 * batch is one round trip). Queries go to `target`: the database, or a D1 Sessions API session
 * (read replicas) — drizzle's D1 driver runs unchanged on top.
 */
export class MeteredD1 implements D1Database {
  constructor(
    private readonly db: D1Database,
    private readonly target: D1Database | D1DatabaseSession,
    private readonly meter: StorageMeter,
  ) {}

  prepare(query: string): D1PreparedStatement {
    return meterStatement(this.target.prepare(query), this.meter);
  }

  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    return this.meter.d1(() => this.target.batch<T>(statements));
  }

  exec(query: string): Promise<D1ExecResult> {
    return this.meter.d1(() => this.db.exec(query));
  }

  withSession(constraintOrBookmark?: D1SessionBookmark | D1SessionConstraint): D1DatabaseSession {
    return this.db.withSession(constraintOrBookmark);
  }

  dump(): Promise<ArrayBuffer> {
    return this.meter.d1(() => this.db.dump());
  }
}

function meterStatement(statement: D1PreparedStatement, meter: StorageMeter): D1PreparedStatement {
  const bind = statement.bind.bind(statement);
  const first = statement.first.bind(statement);
  const run = statement.run.bind(statement);
  const all = statement.all.bind(statement);
  const raw = statement.raw.bind(statement);

  function meteredFirst<T = unknown>(colName: string): Promise<T | null>;
  function meteredFirst<T = Record<string, unknown>>(): Promise<T | null>;
  function meteredFirst<T>(colName?: string): Promise<T | null> {
    return meter.d1(() => (colName === undefined ? first<T>() : first<T>(colName)));
  }
  function meteredRaw<T = unknown[]>(options: { columnNames: true }): Promise<[string[], ...T[]]>;
  function meteredRaw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>;
  function meteredRaw<T = unknown[]>(options?: {
    columnNames?: boolean;
  }): Promise<[string[], ...T[]]> | Promise<T[]> {
    return options?.columnNames ? meter.d1(() => raw<T>({ columnNames: true })) : meter.d1(() => raw<T>());
  }

  statement.bind = (...values: unknown[]) => meterStatement(bind(...values), meter);
  statement.first = meteredFirst;
  statement.run = <T = Record<string, unknown>>() => meter.d1(() => run<T>());
  statement.all = <T = Record<string, unknown>>() => meter.d1(() => all<T>());
  statement.raw = meteredRaw;
  return statement;
}
