/**
 * A lazily imported chunk's loader that loads it once per container: a later `import()` of a loaded
 * chunk still goes through the module loader, a measurable share of a warm request. A failed load is
 * tried again on the next call.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
