import { AppError } from "../core/errors";
import { injectedKvFault } from "./faults";
import type { KvOp, StorageMeter } from "./storage-meter";

/** Any KV failure is an outage of session storage: 503 with a clear message, never a 500. */
async function guarded<T>(op: KvOp, operation: () => Promise<T>): Promise<T> {
  try {
    const fault = injectedKvFault(op);
    if (fault) throw fault;
    return await operation();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("storage_unavailable", "Session storage is unavailable; try again shortly", {
      "Retry-After": "5",
    });
  }
}

/**
 * The KV operations the service uses, metered. Code takes a `KvStore` rather than a
 * KVNamespace, so every KV access of a request is counted in one place.
 */
export interface KvStore {
  getJson<T>(key: string): Promise<T | null>;
  put(key: string, value: string, options?: KVNamespacePutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  list(options: KVNamespaceListOptions): Promise<KVNamespaceListResult<unknown, string>>;
}

export function meteredKv(kv: KVNamespace, meter: StorageMeter): KvStore {
  return {
    getJson: <T>(key: string) => meter.kvOp("read", key, () => guarded("read", () => kv.get<T>(key, "json"))),
    put: (key, value, options) =>
      meter.kvOp("write", key, () => guarded("write", () => kv.put(key, value, options))),
    delete: (key) => meter.kvOp("delete", key, () => guarded("delete", () => kv.delete(key))),
    list: (options) =>
      meter.kvOp("list", options.prefix ?? "", () => guarded("list", () => kv.list(options))),
  };
}
