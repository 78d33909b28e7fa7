import type { KvOp } from "./storage-meter";

/**
 * Fault injection through the metered bindings, for tests (test/robustness/faults.test.ts): make
 * the next D1 batch fail at a given statement (D1 then rolls the whole batch back), or make KV
 * operations throw. Nothing in the service sets a plan; with none, the hooks are no-ops.
 */
export interface FaultPlan {
  /** Replace statement N (0-based) of the next batch with at least N+1 statements by a failing one. */
  failD1BatchAt?: number;
  /** KV operations that throw while the plan is set. */
  failKv?: KvOp[];
}

let plan: FaultPlan = {};

export function injectFaults(next: FaultPlan): void {
  plan = { ...next };
}

export function clearFaults(): void {
  plan = {};
}

/** The batch to run: the one given, or with one statement swapped for a failing query. */
export function withInjectedD1Fault(statements: D1PreparedStatement[], failing: () => D1PreparedStatement) {
  const at = plan.failD1BatchAt;
  if (at === undefined || at >= statements.length) return statements;
  plan = { ...plan, failD1BatchAt: undefined };
  return statements.map((statement, i) => (i === at ? failing() : statement));
}

/** Whether the planned D1 fault is still waiting for a batch long enough to hit. */
export const d1FaultPending = () => plan.failD1BatchAt !== undefined;

export function injectedKvFault(op: KvOp): Error | null {
  return plan.failKv?.includes(op) ? new Error(`injected KV ${op} failure`) : null;
}
