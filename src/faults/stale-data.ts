import type { StaleDataFault } from './types.ts';

/** Options for stale market data. */
export interface StaleDataOptions {
  venue: string;
  startMs: number;
  durationMs: number;
  id?: string;
}

/**
 * Builds a staleData fault: the venue's tickers and order books keep answering, but with the
 * snapshot taken when the window opened, while orders fill at the true, moving price — the feed
 * that looks healthy and is wrong.
 */
export function staleData(opts: StaleDataOptions): StaleDataFault {
  return {
    id: opts.id ?? `staleData-${opts.venue}-${opts.startMs}`,
    kind: 'staleData',
    venue: opts.venue,
    startMs: opts.startMs,
    endMs: opts.startMs + opts.durationMs,
  };
}
