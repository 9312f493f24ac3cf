import { faultWindowOf, type WindowOptions, type ReadLagFault } from './types.ts';

/** Options for lagging account reads. */
export interface ReadLagOptions extends WindowOptions {
  lagSec: number;
}

/**
 * Builds a readLag fault: positions, balances, order status and trades answer as they were
 * `lagSec` ago while the venue trades on — a fill is real before any read shows it, so an order
 * looked up right after it was placed may "not exist" yet.
 */
export function readLag(opts: ReadLagOptions): ReadLagFault {
  return {
    ...faultWindowOf('readLag', opts),
    lagSec: opts.lagSec,
  };
}
