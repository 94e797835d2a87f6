/** Internal (not re-exported): obj[k] = v as an own enumerable property, even for k = '__proto__' (plain assignment would set the prototype and lose the key). */
export function defineOwn<T>(obj: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
}
