import type { ClockSkewFault } from './types.ts';

/** Options for venue clock skew. */
export interface ClockSkewOptions {
  venue: string;
  startMs: number;
  durationMs: number;
  skewMs: number;
  id?: string;
}

/**
 * Builds a clockSkew fault: the venue's clock runs `skewMs` off true time, so signed requests
 * whose timestamp falls outside the venue's recvWindow are refused with the dialect's timestamp
 * error, and the venue's time endpoint reports the skewed time.
 */
export function clockSkew(opts: ClockSkewOptions): ClockSkewFault {
  return {
    id: opts.id ?? `clockSkew-${opts.venue}-${opts.startMs}`,
    kind: 'clockSkew',
    venue: opts.venue,
    startMs: opts.startMs,
    endMs: opts.startMs + opts.durationMs,
    skewMs: opts.skewMs,
  };
}
