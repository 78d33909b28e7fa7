import { AppError } from "../core/errors";
import { withInjectedD1Fault } from "./faults";
import type { StorageMeter } from "./storage-meter";

/**
 * A D1 failure that is not a constraint the caller handles (unique, foreign key, the If-Match
 * marker) is an outage: 503 with Retry-After, not a 500. Constraint errors pass through unchanged.
 */
function asStorageError(error: unknown): never {
  if (error instanceof Error && /constraint failed/i.test(`${error.message} ${String(error.cause ?? "")}`))
    throw error;
  throw new AppError("storage_unavailable", "The database is unavailable; try again shortly", {
    "Retry-After": "5",
  });
}

const measured = <T>(meter: StorageMeter, operation: () => Promise<T>) =>
  meter.d1(operation).catch(asStorageError);

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
    const run = withInjectedD1Fault(statements, () => this.target.prepare("SELECT * FROM injected_d1_fault"));
    return measured(this.meter, () => this.target.batch<T>(run));
  }

  exec(query: string): Promise<D1ExecResult> {
    return measured(this.meter, () => this.db.exec(query));
  }

  withSession(constraintOrBookmark?: D1SessionBookmark | D1SessionConstraint): D1DatabaseSession {
    return this.db.withSession(constraintOrBookmark);
  }

  dump(): Promise<ArrayBuffer> {
    return measured(this.meter, () => this.db.dump());
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
    return measured(meter, () => (colName === undefined ? first<T>() : first<T>(colName)));
  }
  function meteredRaw<T = unknown[]>(options: { columnNames: true }): Promise<[string[], ...T[]]>;
  function meteredRaw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>;
  function meteredRaw<T = unknown[]>(options?: {
    columnNames?: boolean;
  }): Promise<[string[], ...T[]]> | Promise<T[]> {
    return options?.columnNames
      ? measured(meter, () => raw<T>({ columnNames: true }))
      : measured(meter, () => raw<T>());
  }

  statement.bind = (...values: unknown[]) => meterStatement(bind(...values), meter);
  statement.first = meteredFirst;
  statement.run = <T = Record<string, unknown>>() => measured(meter, () => run<T>());
  statement.all = <T = Record<string, unknown>>() => measured(meter, () => all<T>());
  statement.raw = meteredRaw;
  return statement;
}
