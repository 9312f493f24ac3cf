import type { FaultDecision, OutageFault, OutageMode } from './types.ts';

/** Options for an outage: the venue stops answering in one of four ways. */
export interface OutageOptions {
  venue: string;
  startMs: number;
  durationMs: number;
  mode: OutageMode;
  id?: string;
}

/** Builds an outage fault. `timeout` = the venue accepts the connection and never answers. */
export function outage(opts: OutageOptions): OutageFault {
  return {
    id: opts.id ?? `outage-${opts.venue}-${opts.startMs}`,
    kind: 'outage',
    venue: opts.venue,
    startMs: opts.startMs,
    endMs: opts.startMs + opts.durationMs,
    mode: opts.mode,
  };
}

/** The 5xx answers a dialect renders during an outage or a transient error. */
export const SERVER_ERROR_VARIANTS = [
  { status: 503, variant: 'json' },
  { status: 502, variant: 'html' },
  { status: 500, variant: 'empty' },
] as const;

/** Every request during an outage fails; `http5xx` picks one of the dialect's real 5xx bodies per request. */
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
  }
}
