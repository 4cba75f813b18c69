/**
 * Searches over the tree: `<base>` → `ou=<unit>` → `cn=<key>`. Scopes follow RFC 4511
 * §4.5.1.2; equality on a unit's key attributes becomes point lookups instead of a scan.
 */
import type { MailServices } from '@mail/orchestrator';
import { baseEntry, unitEntry } from './entries';
import { matchesFilter, requiredValues } from './filter';
import { LdapError, type DnPart, type Entry, type FilterNode, type Scope } from './protocol';
import { buildUnits, type Unit } from './units';

/** Case-insensitive RDN comparison: every naming attribute in our tree ignores case. */
function samePart(a: DnPart, b: DnPart): boolean {
  return a.type === b.type && a.value.toLowerCase() === b.value.toLowerCase();
}

/**
 * The RDNs of `dn` below `base`, leaf first (`cn=x,ou=users,<base>` → [cn=x, ou=users]),
 * or undefined when `dn` is not `base` or below it.
 */
export function relativeTo(dn: readonly DnPart[], base: readonly DnPart[]): DnPart[] | undefined {
  const depth = dn.length - base.length;
  if (depth < 0) return undefined;
  return base.every((part, i) => {
    const other = dn[depth + i];
    return other !== undefined && samePart(part, other);
  })
    ? dn.slice(0, depth)
    : undefined;
}

export class Directory {
  private readonly units: Unit[];

  constructor(
    services: MailServices,
    readonly base: readonly DnPart[],
  ) {
    this.units = buildUnits(services, base);
  }

  async search(dn: readonly DnPart[], scope: Scope, filter: FilterNode): Promise<Entry[]> {
    const path = relativeTo(dn, this.base);
    if (!path) throw new LdapError('noSuchObject', 'outside the directory');
    const candidates = await this.candidates(path, scope, filter);
    return candidates.filter((entry) => matchesFilter(filter, entry));
  }

  private async candidates(path: readonly DnPart[], scope: Scope, filter: FilterNode): Promise<Entry[]> {
    if (path.length === 0) return this.fromBase(scope, filter);
    const unitPart = path[path.length - 1];
    const unit = unitPart && this.units.find((u) => samePart({ type: 'ou', value: u.ou }, unitPart));
    if (!unit || path.length > 2) throw new LdapError('noSuchObject', 'no such entry');
    const leaf = path.length === 2 ? path[0] : undefined;
    return leaf ? this.fromLeaf(unit, leaf, scope) : this.fromUnit(unit, scope, filter);
  }

  private async fromBase(scope: Scope, filter: FilterNode): Promise<Entry[]> {
    const self = baseEntry(this.base);
    const units = this.units.map((u) => unitEntry(this.base, u.ou));
    if (scope === 'base') return [self];
    if (scope === 'one') return units;
    const listed = this.units.filter((u) => !u.computed);
    const leaves = await Promise.all(listed.map((u) => this.leaves(u, filter)));
    return [self, ...units, ...leaves.flat()];
  }

  private async fromUnit(unit: Unit, scope: Scope, filter: FilterNode): Promise<Entry[]> {
    const self = unitEntry(this.base, unit.ou);
    if (scope === 'base') return [self];
    const leaves = await this.leaves(unit, filter);
    return scope === 'one' ? leaves : [self, ...leaves];
  }

  private async fromLeaf(unit: Unit, leaf: DnPart, scope: Scope): Promise<Entry[]> {
    const entry = leaf.type === 'cn' ? await unit.lookup(leaf.value.toLowerCase()) : undefined;
    if (!entry) throw new LdapError('noSuchObject', 'no such entry');
    return scope === 'one' ? [] : [entry];
  }

  /** Point lookups when the filter pins the key, else the whole unit. */
  private async leaves(unit: Unit, filter: FilterNode): Promise<Entry[]> {
    const wanted = requiredValues(filter, unit.keys);
    if (!wanted) return unit.list();
    const found = await Promise.all(wanted.map((key) => unit.lookup(key)));
    return found.filter((e): e is Entry => e !== undefined);
  }
}
