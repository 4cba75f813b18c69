/**
 * Search filter evaluation (RFC 4511 §4.5.1.7) over our entries.
 *
 * Attribute names AND values compare case-insensitively: every attribute we publish is
 * an address, a name or a TRUE/FALSE flag, whose LDAP matching rules (caseIgnoreMatch,
 * caseIgnoreIA5Match, booleanMatch) ignore case. ldapjs's own `filter.matches(attrs, false)`
 * only ignores the case of names, so `(mail=Alice@Example.com)` would miss `alice@example.com`.
 */
import type { Entry, FilterNode } from './protocol';

/** Three-valued result: undefined is the RFC's "Undefined" (e.g. an extensible match we do not evaluate). */
type Truth = boolean | undefined;

type LoweredAttributes = Map<string, string[]>;

function lowered(entry: Entry): LoweredAttributes {
  const map: LoweredAttributes = new Map();
  for (const [name, values] of Object.entries(entry.attributes)) {
    const key = name.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), ...values.map((v) => v.toLowerCase())]);
  }
  return map;
}

/** True when the entry matches; Undefined counts as no match (RFC 4511 §4.5.1.7). */
export function matchesFilter(filter: FilterNode, entry: Entry): boolean {
  return evaluate(filter, lowered(entry)) === true;
}

function evaluate(filter: FilterNode, attrs: LoweredAttributes): Truth {
  switch (filter.kind) {
    case 'and':
      return combine(filter.children.map((c) => evaluate(c, attrs)), false);
    case 'or':
      return combine(filter.children.map((c) => evaluate(c, attrs)), true);
    case 'not': {
      const inner = evaluate(filter.child, attrs);
      return inner === undefined ? undefined : !inner;
    }
    case 'present':
      return (attrs.get(filter.attribute.toLowerCase()) ?? []).length > 0;
    case 'unsupported':
      return undefined;
    default:
      return (attrs.get(filter.attribute.toLowerCase()) ?? []).some((value) => test(filter, value));
  }
}

/**
 * AND (decisive = false) is false if any child is false; OR (decisive = true) is true if any
 * child is true; otherwise an Undefined child makes the whole Undefined (RFC 4511 §4.5.1.7).
 */
function combine(results: Truth[], decisive: boolean): Truth {
  if (results.includes(decisive)) return decisive;
  if (results.includes(undefined)) return undefined;
  return !decisive;
}

type ValueFilter = Exclude<FilterNode, { kind: 'and' | 'or' | 'not' | 'present' | 'unsupported' }>;

/** `value` is already lower-cased. */
function test(filter: ValueFilter, value: string): boolean {
  switch (filter.kind) {
    case 'equal':
    case 'approx':
      return value === filter.value.toLowerCase();
    case 'greaterOrEqual':
      return compareValues(value, filter.value.toLowerCase()) >= 0;
    case 'lessOrEqual':
      return compareValues(value, filter.value.toLowerCase()) <= 0;
    case 'substring':
      return matchesSubstrings(value, filter.initial, filter.any, filter.final);
  }
}

function compareValues(a: string, b: string): number {
  const numeric = /^-?\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Math.sign(Number(a) - Number(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** RFC 4511 §4.5.1.7.2: initial, then each `any` in order, then final, without overlap. */
function matchesSubstrings(value: string, initial: string, any: readonly string[], final: string): boolean {
  const start = initial.toLowerCase();
  const end = final.toLowerCase();
  if (!value.startsWith(start) || value.length < start.length + end.length || !value.endsWith(end)) return false;
  let position = start.length;
  const limit = value.length - end.length;
  for (const piece of any.map((p) => p.toLowerCase())) {
    const found = value.indexOf(piece, position);
    if (found < 0 || found + piece.length > limit) return false;
    position = found + piece.length;
  }
  return true;
}

/**
 * The values (lower-cased) that any entry matching `filter` must hold in one of `keys`, or
 * undefined when the filter does not pin them down. Used for point lookups: `keys` are
 * attributes that all carry an entry's lookup key (e.g. `mail`, `cn` and `uid` of a mailbox).
 */
export function requiredValues(filter: FilterNode, keys: ReadonlySet<string>): string[] | undefined {
  switch (filter.kind) {
    case 'equal':
      return keys.has(filter.attribute.toLowerCase()) ? [filter.value.toLowerCase()] : undefined;
    case 'and': {
      // Every conjunct must hold, so any one that pins the key is enough; take the narrowest.
      const pinned = filter.children.map((c) => requiredValues(c, keys)).filter((v) => v !== undefined);
      return pinned.sort((a, b) => a.length - b.length)[0];
    }
    case 'or': {
      // An empty OR matches nothing (RFC 4526), so it pins the key to no value at all.
      const alternatives = filter.children.map((c) => requiredValues(c, keys));
      if (alternatives.some((v) => v === undefined)) return undefined;
      return [...new Set(alternatives.flatMap((v) => v ?? []))];
    }
    default:
      return undefined;
  }
}
