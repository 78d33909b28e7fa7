import type { StorageMeter } from "./storage-meter";

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
    getJson: <T>(key: string) => meter.kvOp("read", key, () => kv.get<T>(key, "json")),
    put: (key, value, options) => meter.kvOp("write", key, () => kv.put(key, value, options)),
    delete: (key) => meter.kvOp("delete", key, () => kv.delete(key)),
    list: (options) => meter.kvOp("list", options.prefix ?? "", () => kv.list(options)),
  };
}
