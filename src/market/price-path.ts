import type { Rng } from '../sim/rng.ts';

/**
 * A seeded price path: geometric Brownian motion on a fixed time grid, with scripted jumps and gaps.
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
  /**
   * Stretches in which the market stops printing and then reopens somewhere else. From `atMs` for
   * `durationMs` the price holds its value at `atMs` (every reader sees the same frozen price)
   * while the random path goes on unseen; at `atMs + durationMs` the market reopens at the path's
   * price of that moment times (1 + pct/100), so the whole hidden move and `pct` land in one step.
   * Jumps after `atMs` inside a gap land at the reopening too; the pct factor stays applied after
   * it, like a jump's. pct must be > −100, durationMs > 0 and finite, and gaps must not overlap.
   */
  gaps?: ReadonlyArray<{ atMs: number; durationMs: number; pct: number }>;
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
 * millisecond, not on the grid. Gaps are applied at read time too: a time inside a gap reads the
 * path (and its jumps) at the gap's start; a time after a gap gets the gap's factor. The random
 * draws are the same with or without gaps.
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
  const gaps = [...(opts.gaps ?? [])].sort((a, b) => a.atMs - b.atMs);
  for (const g of gaps) {
    if (!Number.isFinite(g.atMs) || !Number.isFinite(g.pct) || g.pct <= -100) {
      throw new Error(`venuechaos: price path gap at ${g.atMs} ms of ${g.pct} % is not allowed (pct must be > −100)`);
    }
    if (!(g.durationMs > 0) || !Number.isFinite(g.durationMs)) {
      throw new Error(`venuechaos: price path gap at ${g.atMs} ms has durationMs ${g.durationMs} (must be a positive finite number)`);
    }
  }
  for (let i = 1; i < gaps.length; i++) {
    const prev = gaps[i - 1];
    const next = gaps[i];
    if (prev !== undefined && next !== undefined && prev.atMs + prev.durationMs > next.atMs) {
      throw new Error(
        `venuechaos: price path gaps overlap: the gap at ${prev.atMs} ms lasting ${prev.durationMs} ms is still open at ${next.atMs} ms, where the next gap starts`,
      );
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
      // Inside a gap the path is read at the gap's start; reopened gaps multiply in their pct.
      let seenMs = ms;
      let gapFactor = 1;
      for (const g of gaps) {
        if (g.atMs > ms) break;
        if (ms < g.atMs + g.durationMs) {
          seenMs = g.atMs;
          break;
        }
        gapFactor *= 1 + g.pct / 100;
      }
      const step = seenMs <= opts.startMs ? 0 : Math.floor((seenMs - opts.startMs) / stepMs);
      const r = logReturnAt(step);
      const base = r === 0 ? opts.priceStart : opts.priceStart * Math.exp(r);
      return base * jumpFactor(jumps, seenMs) * gapFactor;
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
