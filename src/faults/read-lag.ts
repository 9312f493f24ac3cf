import type { ReadLagFault } from './types.ts';

/** Options for lagging account reads. */
export interface ReadLagOptions {
  venue: string;
  startMs: number;
  durationMs: number;
  lagSec: number;
  id?: string;
}

/**
 * Builds a readLag fault: positions, balances, order status and trades answer as they were
 * `lagSec` ago while the venue trades on — a fill is real before any read shows it, so an order
 * looked up right after it was placed may "not exist" yet.
 */
export function readLag(opts: ReadLagOptions): ReadLagFault {
  return {
    id: opts.id ?? `readLag-${opts.venue}-${opts.startMs}`,
    kind: 'readLag',
    venue: opts.venue,
    startMs: opts.startMs,
    endMs: opts.startMs + opts.durationMs,
    lagSec: opts.lagSec,
  };
}
