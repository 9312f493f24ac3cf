import type { Rng } from '../sim/rng.ts';

/**
 * A seeded price path: geometric Brownian motion on a fixed time grid, with scripted jumps.
 * Piecewise constant between grid points. Generated forward lazily and cached, so the price at a
 * time does not depend on the order in which times are asked for.
 */
export interface PricePath {
  /** The mid price at virtual epoch ms `ms` (before the start: the starting price). */
  priceAt(ms: number): number;
}

export interface PricePathOptions {
  priceStart: number;
  volatilityAnnual: number;
  driftAnnual?: number;
  /** Grid step; default 1000 ms. */
  stepMs?: number;
  startMs: number;
  rng: Rng;
  /** Multiply the price by (1 + pct/100) from `atMs` on. */
  jumps?: ReadonlyArray<{ atMs: number; pct: number }>;
}

const YEAR_MS = 365 * 24 * 3_600_000;
/** A cap on cached steps: 7 days at 1 s. A longer run is a scenario the simulator is not sized for. */
export const PRICE_PATH_STEPS_MAX = 7 * 24 * 3600;

export function createPricePath(opts: PricePathOptions): PricePath {
  const stepMs = opts.stepMs ?? 1000;
  const dt = stepMs / YEAR_MS;
  const sigma = opts.volatilityAnnual;
  const mu = opts.driftAnnual ?? 0;
  const drift = (mu - (sigma * sigma) / 2) * dt;
  const diffusion = sigma * Math.sqrt(dt);
  const jumps = [...(opts.jumps ?? [])].sort((a, b) => a.atMs - b.atMs);
  // log-price without jumps at each step; jumps are applied on read so they land at exact times.
  const logs: number[] = [Math.log(opts.priceStart)];

  const logAt = (step: number): number => {
    if (step > PRICE_PATH_STEPS_MAX) {
      throw new Error(`venuechaos: price path longer than ${PRICE_PATH_STEPS_MAX} steps (${(PRICE_PATH_STEPS_MAX * stepMs) / 86_400_000} days) is not supported`);
    }
    while (logs.length <= step) logs.push((logs[logs.length - 1] ?? 0) + drift + diffusion * opts.rng.normal());
    return logs[step] ?? 0;
  };

  return {
    priceAt(ms: number): number {
      if (ms <= opts.startMs) return jumpFactor(jumps, ms) * opts.priceStart;
      const step = Math.floor((ms - opts.startMs) / stepMs);
      return Math.exp(logAt(step)) * jumpFactor(jumps, ms);
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
