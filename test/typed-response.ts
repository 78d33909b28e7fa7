import { expect } from "vitest";

/** Runtime-neutral (Worker tests and e2e): narrowing the typed client's responses by status. */

/** Fails the test unless `res` has `status`, and narrows a typed response to that status's body. */
export function expectStatus<R extends { status: number }, S extends R["status"]>(
  res: R,
  status: S,
): asserts res is Extract<R, { status: S }> {
  expect(res.status).toBe(status);
}

/** The JSON body of a typed response, after checking it has `status`. */
export async function bodyAt<R extends { status: number; json(): Promise<unknown> }, S extends R["status"]>(
  res: R,
  status: S,
): Promise<Awaited<ReturnType<Extract<R, { status: S }>["json"]>>>;
export async function bodyAt(res: { status: number; json(): Promise<unknown> }, status: number) {
  expectStatus(res, status);
  return res.json();
}
