import type { EndpointGroup } from '../../mocks/types.ts';
import { faultWindowOf, type WindowOptions, type FaultDecision, type MaintenanceFault, type MaintenancePhase } from './types.ts';

/** Options for a maintenance window. */
export interface MaintenanceOptions extends WindowOptions {
  announcedAheadSec?: number;
  phase?: MaintenancePhase;
  probability?: number;
}

/** Builds a maintenance fault. */
export function maintenance(opts: MaintenanceOptions): MaintenanceFault {
  return {
    ...faultWindowOf('maintenance', opts),
    announcedAheadSec: opts.announcedAheadSec ?? 0,
    phase: opts.phase ?? 'full',
    probability: opts.probability ?? 1,
  };
}

/**
 * During full maintenance the status endpoint keeps answering (it is how clients learn of the
 * window) and so do reference and market data; trading and account requests are refused with the
 * dialect's maintenance error. Partial phases (cancelOnly, postOnly, reduceOnly) pass here: the
 * dialect reads the order and refuses what the phase forbids, in the exchange's own words.
 */
const REFUSED_GROUPS: ReadonlySet<EndpointGroup> = new Set(['order', 'account']);

export function decideMaintenance(fault: MaintenanceFault, group: EndpointGroup): FaultDecision {
  if (fault.phase !== 'full') return { action: 'pass' };
  return REFUSED_GROUPS.has(group) ? { action: 'maintenance', fault } : { action: 'pass' };
}
