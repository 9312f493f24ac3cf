import { faultWindowOf, type WindowOptions, type ClockSkewFault } from './types.ts';

/** Options for venue clock skew. */
export interface ClockSkewOptions extends WindowOptions {
  skewMs: number;
}

/**
 * Builds a clockSkew fault: the venue's clock runs `skewMs` off true time, so signed requests
 * whose timestamp falls outside the venue's recvWindow are refused with the dialect's timestamp
 * error, and the venue's time endpoint reports the skewed time.
 */
export function clockSkew(opts: ClockSkewOptions): ClockSkewFault {
  return {
    ...faultWindowOf('clockSkew', opts),
    skewMs: opts.skewMs,
  };
}
