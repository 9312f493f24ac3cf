import { faultWindowOf, type WindowOptions, type LatencyFault } from './types.ts';

/** Options for a latency fault: extra, seeded, log-normal delay on every request of a venue. */
export interface LatencyOptions extends WindowOptions {
  latencyMsMedian: number;
  latencyMsP99: number;
  probability?: number;
}

/** Builds a latency fault. */
export function latency(opts: LatencyOptions): LatencyFault {
  if (!(opts.latencyMsP99 >= opts.latencyMsMedian && opts.latencyMsMedian >= 0)) {
    throw new Error(`venuechaos bug: latency fault needs 0 ≤ median ≤ p99 (got ${opts.latencyMsMedian}, ${opts.latencyMsP99}); the scenario schema should have refused it`);
  }
  return {
    ...faultWindowOf('latency', opts),
    latencyMsMedian: opts.latencyMsMedian,
    latencyMsP99: opts.latencyMsP99,
    probability: opts.probability ?? 1,
  };
}

/** z such that P(Z ≤ z) = 0.99 for a standard normal. */
const Z99 = 2.3263478740408408;

/**
 * One delay draw: log-normal with the given median and p99, from a standard normal `z` (the
 * venue's fault stream supplies it). Whole milliseconds, so traces stay readable.
 */
export function latencyDelayMs(fault: LatencyFault, z: number): number {
  if (fault.latencyMsMedian === 0) return 0;
  const sigma = Math.log(Math.max(fault.latencyMsP99, fault.latencyMsMedian) / fault.latencyMsMedian) / Z99;
  return Math.round(fault.latencyMsMedian * Math.exp(sigma * z));
}
