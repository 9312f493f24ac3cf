import type { EndpointInfo } from '../../mocks/types.ts';
import { faultWindowOf, type WindowOptions, type FaultDecision, type OutageFault, type OutageMode, type OutageScope } from './types.ts';

/** Options for an outage: the venue stops answering in one of four ways. */
export interface OutageOptions extends WindowOptions {
  mode: OutageMode;
  scope?: OutageScope;
  probability?: number;
}

/** Builds an outage fault. `timeout` = the venue accepts the connection and never answers. */
export function outage(opts: OutageOptions): OutageFault {
  return {
    ...faultWindowOf('outage', opts),
    mode: opts.mode,
    scope: opts.scope ?? 'all',
    probability: opts.probability ?? 1,
  };
}

/** The 5xx answers a dialect renders during an outage or a transient error. */
export const SERVER_ERROR_VARIANTS = [
  { status: 503, variant: 'json' },
  { status: 502, variant: 'html' },
  { status: 500, variant: 'empty' },
] as const;

/** The edge's own error pages (a CDN in front of the venue): 504 is a gateway timeout. */
export const CDN_STATUSES = [502, 503, 504] as const;

/** Whether an outage of this scope hits this endpoint. */
export function outageHits(scope: OutageScope, endpoint: EndpointInfo): boolean {
  switch (scope) {
    case 'all':
      return true;
    case 'public':
      return !endpoint.signed;
    case 'private':
      return endpoint.signed;
    case 'orders':
      return endpoint.group === 'order';
    case 'marketData':
      return endpoint.group === 'marketData';
  }
}

/** Every request in scope during an outage fails; `http5xx` picks one of the dialect's real 5xx bodies per request. */
export function decideOutage(fault: OutageFault, random: () => number): FaultDecision {
  switch (fault.mode) {
    case 'refused':
      return { action: 'refuse', fault };
    case 'reset':
      return { action: 'reset', fault };
    case 'timeout':
      return { action: 'hang', fault };
    case 'http5xx': {
      const pick = SERVER_ERROR_VARIANTS[Math.floor(random() * SERVER_ERROR_VARIANTS.length)] ?? SERVER_ERROR_VARIANTS[0];
      return { action: 'serverError', fault, status: pick.status, variant: pick.variant };
    }
    case 'cdn': {
      const status = CDN_STATUSES[Math.floor(random() * CDN_STATUSES.length)] ?? 502;
      return { action: 'serverError', fault, status, variant: 'cdn' };
    }
  }
}
