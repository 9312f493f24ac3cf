import { faultWindowOf, type WindowOptions, type AckLossFault, type FaultDecision } from './types.ts';
import type { EndpointInfo } from '../../mocks/types.ts';

/** Options for lost acknowledgements on order placements. */
export interface AckLossOptions extends WindowOptions {
  probability?: number;
  mode?: AckLossFault['mode'];
}

/** Builds an ackLoss fault: orders reach the venue and execute; only the answer is lost. */
export function ackLoss(opts: AckLossOptions): AckLossFault {
  return {
    ...faultWindowOf('ackLoss', opts),
    probability: opts.probability ?? 1,
    mode: opts.mode ?? 'timeout',
  };
}

/** Only order placements lose their answer; everything else passes. */
export function decideAckLoss(fault: AckLossFault, endpoint: EndpointInfo, random: () => number): FaultDecision | undefined {
  if (endpoint.orderCount === 0) return undefined;
  return random() < fault.probability ? { action: 'ackLoss', fault } : undefined;
}
