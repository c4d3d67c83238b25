/**
 * Exact comparison of two results, stricter than `toEqual` where the bridges could differ: `-0`
 * vs `0`, `NaN`, number vs BigInt, a missing key vs an `undefined` one, prototypes (a `__proto__`
 * own key vs a prototype), array holes. Key ORDER is not compared: it is not part of the contract
 * (docs/conversion-policy.md, row "key-order").
 */
import fc from 'fast-check';

/** Where `a` and `b` first differ, and what each has there. */
export interface Difference {
  readonly path: string;
  readonly left: string;
  readonly right: string;
}

/** The first difference of `a` and `b`, structured (see `exactDiff`). */
export function firstDifference(a: unknown, b: unknown, path = ''): Difference | null {
  const text = exactDiff(a, b, path);
  if (text === null) return null;
  const colon = text.indexOf(': ');
  const rest = text.slice(colon + 2);
  const vs = rest.lastIndexOf(' vs ');
  return { path: text.slice(0, colon), left: rest.slice(0, vs), right: rest.slice(vs + 4) };
}

/** Where `a` and `b` first differ (`.tasks[0].context["x"]: 1 vs 2`), or `null` if they are equal. */
export function exactDiff(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a !== typeof b) return `${path || '(value)'}: ${show(a)} vs ${show(b)}`;
  if (typeof a !== 'object' || a === null || b === null) {
    return Object.is(a, b) ? null : `${path || '(value)'}: ${show(a)} vs ${show(b)}`;
  }
  const objectB = b as object;
  if (Array.isArray(a) !== Array.isArray(objectB)) return `${path || '(value)'}: ${show(a)} vs ${show(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(objectB)) {
    return `${path || '(value)'}: prototype ${describePrototype(a)} vs ${describePrototype(objectB)}`;
  }
  if (Array.isArray(a)) {
    const arrayB = objectB as unknown[];
    if (a.length !== arrayB.length) return `${path}.length: ${a.length} vs ${arrayB.length}`;
    for (let i = 0; i < a.length; i += 1) {
      if (i in a !== i in arrayB) return `${path}[${i}]: ${i in a ? 'item' : 'hole'} vs ${i in arrayB ? 'item' : 'hole'}`;
      const diff = exactDiff(a[i], arrayB[i], `${path}[${i}]`);
      if (diff !== null) return diff;
    }
    return null;
  }
  const keysA = Reflect.ownKeys(a);
  const keysB = new Set(Reflect.ownKeys(objectB));
  for (const key of keysA) {
    const name = keyPath(path, key);
    if (!keysB.has(key)) return `${name}: ${show((a as Record<PropertyKey, unknown>)[key], 120)} vs (missing)`;
    const diff = exactDiff((a as Record<PropertyKey, unknown>)[key], (objectB as Record<PropertyKey, unknown>)[key], name);
    if (diff !== null) return diff;
    keysB.delete(key);
  }
  const [extra] = keysB;
  return extra === undefined ? null : `${keyPath(path, extra)}: (missing) vs ${show((objectB as Record<PropertyKey, unknown>)[extra], 120)}`;
}

function keyPath(path: string, key: PropertyKey): string {
  if (typeof key === 'symbol') return `${path}[${String(key)}]`;
  const name = String(key);
  return /^[A-Za-z_$][\w$]*$/.test(name) && name !== '__proto__' ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

function describePrototype(value: object): string {
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype === null) return 'null';
  if (prototype === Object.prototype) return 'Object.prototype';
  if (prototype === Array.prototype) return 'Array.prototype';
  return show(prototype);
}

/** A faithful, bounded rendering of any value (lone surrogates, NUL, -0, undefined, holes, …). */
export function show(value: unknown, limit = 400): string {
  let text: string;
  try {
    text = fc.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length} chars)` : text;
}
