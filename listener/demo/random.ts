/** Seeded randomness for the demo generator: same seed, same data, on every machine. */
export type Random = () => number;

/** sfc32 seeded through splitmix32: fast, 128-bit state, good enough for synthetic data. */
export function seeded(seed: number | string): Random {
  let h = typeof seed === "number" ? seed >>> 0 : hashString(seed);
  const next = () => {
    h = (h + 0x9e3779b9) | 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = next(), b = next(), c = next(), d = next();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function int(random: Random, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

export function chance(random: Random, p: number): boolean {
  return random() < p;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Weighted choice with a precomputed cumulative table and binary search. */
export function weighted<T>(items: readonly T[], weights: readonly number[]): (random: Random) => T {
  if (items.length === 0 || items.length !== weights.length) throw new Error("invalid weights");
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return (random) => {
    const x = random() * total;
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]!;
  };
}

/** Zipf weights 1/k^s: the heavy tail of server sizes, account activity, hashtag use. */
export function zipf(n: number, s: number): number[] {
  return Array.from({length: n}, (_, k) => 1 / Math.pow(k + 1, s));
}

/** An index in [0, n) with P(k) ∝ 1/(k+1), without a table (n can be millions). */
export function logUniformIndex(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(random() * Math.log(n + 1))) - 1);
}

/** Log-normal, for follower counts. */
export function logNormal(random: Random, mu: number, sigma: number): number {
  const u = 1 - random(), v = random();
  return Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}
