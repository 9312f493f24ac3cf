export { outage, decideOutage, type OutageOptions } from './outage.ts';
export { rateLimit, decideRateLimit, decideBan, type RateLimitOptions } from './rate-limit.ts';
export { maintenance, decideMaintenance, type MaintenanceOptions } from './maintenance.ts';
export { FaultSchedule } from './schedule.ts';
export type { Fault, FaultKind, FaultDecision, OutageFault, RateLimitFault, MaintenanceFault, OutageMode, RateLimitState } from './types.ts';
