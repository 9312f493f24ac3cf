import { faultWindowOf, type WindowOptions, type StaleDataFault } from './types.ts';

/** Options for stale market data. */
export type StaleDataOptions = WindowOptions;

/**
 * Builds a staleData fault: the venue's tickers and order books keep answering, but with the
 * snapshot taken when the window opened, while orders fill at the true, moving price — the feed
 * that looks healthy and is wrong.
 */
export function staleData(opts: StaleDataOptions): StaleDataFault {
  return {
    ...faultWindowOf('staleData', opts),
  };
}
