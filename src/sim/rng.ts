import seedrandom from 'seedrandom';

/**
 * A seeded random stream. Every random choice in a run comes from one of these, forked by name
 * from the scenario's seed, so adding a consumer never shifts another consumer's numbers.
 *
 * @example
 * const root = createRng(42);
 * const market = root.fork('market');
 * market.next(); // same value for seed 42, every run, every machine
 */
export interface Rng {
  /** The stream's name path, e.g. `42/venue:primary/latency`. */
  readonly name: string;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Standard normal N(0, 1) (Box–Muller). */
  normal(): number;
  /** A child stream, independent of this one's position. */
  fork(name: string): Rng;
}

/** Creates the root stream for a scenario seed. */
export function createRng(seed: number | string): Rng {
  return makeStream(String(seed));
}

function makeStream(name: string): Rng {
  // alea: fast, good quality, and its state depends only on the seed string.
  const prng = seedrandom.alea(name);
  const next = (): number => prng();
  return {
    name,
    next,
    int(min: number, max: number): number {
      return min + Math.floor(next() * (max - min + 1));
    },
    normal(): number {
      let u = next();
      while (u <= Number.EPSILON) u = next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    fork(child: string): Rng {
      return makeStream(`${name}/${child}`);
    },
  };
}
