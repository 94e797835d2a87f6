// Shared by the lib-hw tests (not a test file): one value per name of a literal list, typed by
// those names, so a module can carry one typed port bundle per layer under test.
export function byName<K extends string, T>(keys: readonly K[], make: (key: K, index: number) => T): Record<K, T> {
  return Object.fromEntries(keys.map((k, i) => [k, make(k, i)])) as Record<K, T>;
}
