import type { AckLossFault, FaultDecision } from './types.ts';
import type { EndpointInfo } from '../../mocks/types.ts';

/** Options for lost acknowledgements on order placements. */
export interface AckLossOptions {
  venue: string;
  startMs: number;
  durationMs: number;
  probability?: number;
  mode?: AckLossFault['mode'];
  id?: string;
}

/** Builds an ackLoss fault: orders reach the venue and execute; only the answer is lost. */
export function ackLoss(opts: AckLossOptions): AckLossFault {
  return {
    id: opts.id ?? `ackLoss-${opts.venue}-${opts.startMs}`,
    kind: 'ackLoss',
    venue: opts.venue,
    startMs: opts.startMs,
    endMs: opts.startMs + opts.durationMs,
    probability: opts.probability ?? 1,
    mode: opts.mode ?? 'timeout',
  };
}

/** Only order placements lose their answer; everything else passes. */
export function decideAckLoss(fault: AckLossFault, endpoint: EndpointInfo, random: () => number): FaultDecision | undefined {
  if (endpoint.orderCount === 0) return undefined;
  return random() < fault.probability ? { action: 'ackLoss', fault } : undefined;
}
