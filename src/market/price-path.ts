import type { Rng } from '../sim/rng.ts';

/**
 * A seeded price path: geometric Brownian motion on a fixed time grid, with scripted jumps.
 * Piecewise constant between grid points (the price at `ms` is the price of the step containing
 * it). Steps are generated forward lazily and cached, so the price at a time does not depend on
 * the order in which times are asked for.
 */
export interface PricePath {
  /** The mid price at virtual epoch ms `ms`. Before the start: the starting price (with any jumps already due). */
  priceAt(ms: number): number;
}

/** Options of {@link createPricePath}. */
export interface PricePathOptions {
  /** Price at `startMs`, > 0. */
  priceStart: number;
  /** Annualized volatility σ of log returns (0.6 = 60 %), ≥ 0. */
  volatilityAnnual: number;
  /** Annualized drift μ; default 0. */
  driftAnnual?: number;
  /** Grid step; default 1000 ms. */
  stepMs?: number;
  startMs: number;
  /** The path's own stream; the path forks a child from it, so other draws on `rng` never shift the path. */
  rng: Rng;
  /** Multiply the price by (1 + pct/100) from `atMs` on (pct −100 would zero the price and is refused). */
  jumps?: ReadonlyArray<{ atMs: number; pct: number }>;
}

const YEAR_MS = 365 * 24 * 3_600_000;

/**
 * The most grid steps a path generates: 7 days at 1 s steps (604 800 numbers ≈ 5 MB, allocated only as far as asked). A run
 * asking for more is larger than the simulator is sized for, and is told so instead of quietly
 * eating memory.
 */
export const PRICE_PATH_STEPS_MAX = 7 * 24 * 3600;

/**
 * Creates a deterministic GBM price path. Same `rng` seed (name) and options → same prices.
 *
 * Each step multiplies the price by exp((μ − σ²/2)·dt + σ·√dt·Z), Z ~ N(0, 1) from the forked
 * stream, dt = stepMs in years. Jumps are applied at read time so they land on their exact
 * millisecond, not on the grid.
 *
 * @example
 * const path = createPricePath({ priceStart: 60000, volatilityAnnual: 0.6, startMs: 0, rng: createRng(42).fork('market') });
 * path.priceAt(5_000) === path.priceAt(5_999); // true: one step
 */
export function createPricePath(opts: PricePathOptions): PricePath {
  const stepMs = opts.stepMs ?? 1000;
  const sigma = opts.volatilityAnnual;
  const mu = opts.driftAnnual ?? 0;
  if (!(opts.priceStart > 0) || !Number.isFinite(opts.priceStart)) throw new Error(`venuechaos: price path priceStart must be a positive number, got ${opts.priceStart}`);
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new Error(`venuechaos: price path volatilityAnnual must be ≥ 0, got ${sigma}`);
  if (!Number.isFinite(mu)) throw new Error(`venuechaos: price path driftAnnual must be finite, got ${mu}`);
  if (!Number.isInteger(stepMs) || stepMs <= 0) throw new Error(`venuechaos: price path stepMs must be a positive integer, got ${stepMs}`);
  const jumps = [...(opts.jumps ?? [])].sort((a, b) => a.atMs - b.atMs);
  for (const j of jumps) {
    if (!Number.isFinite(j.atMs) || !Number.isFinite(j.pct) || j.pct <= -100) {
      throw new Error(`venuechaos: price path jump at ${j.atMs} ms of ${j.pct} % is not allowed (pct must be > −100)`);
    }
  }
  const dt = stepMs / YEAR_MS;
  const drift = (mu - (sigma * sigma) / 2) * dt;
  const diffusion = sigma * Math.sqrt(dt);
  const rng = opts.rng.fork('gbm');
  // Cumulative log return per step; step 0 is the start itself (0 → exactly priceStart).
  // A plain array grows with the steps actually asked for; short runs stay small.
  const logReturns: number[] = [0];

  const logReturnAt = (step: number): number => {
    if (step > PRICE_PATH_STEPS_MAX) {
      const days = (PRICE_PATH_STEPS_MAX * stepMs) / 86_400_000;
      throw new Error(
        `venuechaos: price path asked for step ${step}, beyond its cap of ${PRICE_PATH_STEPS_MAX} steps (${days} days at ${stepMs} ms); shorten the run or use a larger stepMs`,
      );
    }
    while (logReturns.length <= step) logReturns.push((logReturns[logReturns.length - 1] ?? 0) + drift + diffusion * rng.normal());
    return logReturns[step] ?? 0;
  };

  return {
    priceAt(ms: number): number {
      if (!Number.isFinite(ms)) throw new Error(`venuechaos bug: priceAt(${ms})`);
      const step = ms <= opts.startMs ? 0 : Math.floor((ms - opts.startMs) / stepMs);
      const r = logReturnAt(step);
      const base = r === 0 ? opts.priceStart : opts.priceStart * Math.exp(r);
      return base * jumpFactor(jumps, ms);
    },
  };
}

function jumpFactor(jumps: ReadonlyArray<{ atMs: number; pct: number }>, ms: number): number {
  let f = 1;
  for (const j of jumps) {
    if (j.atMs > ms) break;
    f *= 1 + j.pct / 100;
  }
  return f;
}
