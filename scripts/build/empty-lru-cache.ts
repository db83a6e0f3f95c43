/**
 * Stands in for `mnemonist/lru-cache` in the functions' bundles (scripts/build/bundles.ts): the cache
 * of DynamoDB's endpoint discovery, which these functions leave off. It holds nothing, so every
 * lookup misses, as the real cache's lookups do while discovery is off; were discovery turned on, it
 * would rediscover on each request rather than fail.
 */
export default class EmptyLruCache<K, V> {
  constructor(_capacity?: number) {}
  has(_key: K): boolean {
    return false;
  }
  get(_key: K): V | undefined {
    return undefined;
  }
  peek(_key: K): V | undefined {
    return undefined;
  }
  set(_key: K, _value: V): this {
    return this;
  }
  clear(): void {}
  get size(): number {
    return 0;
  }
}
