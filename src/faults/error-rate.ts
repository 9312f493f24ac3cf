import { faultWindowOf, type WindowOptions, type ErrorRateFault, type FaultDecision } from './types.ts';
import { SERVER_ERROR_VARIANTS } from './outage.ts';

/** Options for a transient error rate. */
export interface ErrorRateOptions extends WindowOptions {
  probability: number;
}

/** Builds an errorRate fault. */
export function errorRate(opts: ErrorRateOptions): ErrorRateFault {
  return {
    ...faultWindowOf('errorRate', opts),
    probability: opts.probability,
  };
}

/** With `probability`, the request fails with one of the dialect's 5xx answers before the venue acts. */
export function decideErrorRate(fault: ErrorRateFault, random: () => number): FaultDecision | undefined {
  if (random() >= fault.probability) return undefined;
  const pick = SERVER_ERROR_VARIANTS[Math.floor(random() * SERVER_ERROR_VARIANTS.length)] ?? SERVER_ERROR_VARIANTS[0];
  return { action: 'serverError', fault, status: pick.status, variant: pick.variant };
}
