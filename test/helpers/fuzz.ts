/**
 * Seeded randomness for the fuzz tests, so a failure reproduces: every test prints its
 * seed, and FUZZ_SEED=<n> replays it. FUZZ_SCALE=<k> multiplies the iterations (the
 * default keeps the whole fuzz run well under a minute inside `npm test`).
 */
export const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 20261206);
export const FUZZ_SCALE = Math.max(1, Number(process.env['FUZZ_SCALE'] ?? 1));

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: small, fast, good enough to pick test inputs. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Random bytes, biased towards the ones parsers trip on. */
  bytes(length: number): string {
    const special = ['\r', '\n', '\0', '.', ':', '<', '>', '@', '"', '\\', ' ', '\t', '=', ';', '-', '\x7f', '\u00ff', '%', '!', '[', ']'];
    let out = '';
    for (let i = 0; i < length; i++) out += this.chance(0.4) ? this.pick(special) : String.fromCharCode(this.int(0x20, 0x7e));
    return out;
  }

  /** One random edit of `text`: flip, insert, delete, duplicate or truncate. */
  mutate(text: string): string {
    const at = this.int(0, text.length);
    switch (this.int(0, 5)) {
      case 0:
        return text.slice(0, at) + this.bytes(1) + text.slice(at + 1);
      case 1:
        return text.slice(0, at) + this.bytes(this.int(1, 16)) + text.slice(at);
      case 2:
        return text.slice(0, at) + text.slice(at + this.int(1, 32));
      case 3: {
        const piece = text.slice(at, at + this.int(1, 200));
        return text.slice(0, at) + piece.repeat(this.int(2, 20)) + text.slice(at);
      }
      case 4:
        return text.slice(0, at);
      default:
        return text.slice(0, at) + 'x'.repeat(this.int(500, 3000)) + text.slice(at);
    }
  }
}

/** A random JSON value: nulls, wrong types, unicode, huge strings, deep nesting, odd keys. */
export function randomJson(rng: Rng, depth = 0): unknown {
  const leaves: (() => unknown)[] = [
    () => null,
    () => rng.chance(0.5),
    () => rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, Number.MIN_VALUE]),
    () => rng.bytes(rng.int(0, 40)),
    () => rng.pick(['', ' ', 'é', '\u202e', '\ud83d\udce7', '\u0000', '\ufeff', 'ß'.repeat(50), 'alice', 'acme.test', 'true', '1', '__proto__', 'constructor']),
    () => 'x'.repeat(rng.int(1000, 200_000)),
  ];
  if (depth > 3 || rng.chance(0.5)) return rng.pick(leaves)();
  if (rng.chance(0.05)) return JSON.parse(nestedJson(rng.int(50, 500))) as unknown;
  if (rng.chance(0.5)) return Array.from({ length: rng.int(0, 5) }, () => randomJson(rng, depth + 1));
  const keys = ['name', 'domain', 'ownerId', 'members', 'active', 'aliases', '__proto__', 'constructor', '', rng.bytes(rng.int(1, 10))];
  return Object.fromEntries(Array.from({ length: rng.int(0, 5) }, () => [rng.pick(keys), randomJson(rng, depth + 1)]));
}

/** `[[[…]]]` / `{"a":{"a":…}}` `depth` deep, as text: recursion in parsers and validators. */
export function nestedJson(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}
