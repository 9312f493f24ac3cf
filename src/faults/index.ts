export { outage, decideOutage, outageHits, type OutageOptions } from './outage.ts';
export { rateLimit, decideRateLimit, decideBan, type RateLimitOptions } from './rate-limit.ts';
export { maintenance, decideMaintenance, type MaintenanceOptions } from './maintenance.ts';
export { latency, latencyDelayMs, type LatencyOptions } from './latency.ts';
export { ackLoss, decideAckLoss, type AckLossOptions } from './ack-loss.ts';
export { errorRate, decideErrorRate, type ErrorRateOptions } from './error-rate.ts';
export { clockSkew, type ClockSkewOptions } from './clock-skew.ts';
export { FaultSchedule } from './schedule.ts';
export type { Fault, FaultKind, FaultDecision, OutageFault, RateLimitFault, MaintenanceFault, LatencyFault, AckLossFault, ErrorRateFault, ClockSkewFault, MaintenancePhase, TradingPhase, OutageMode, OutageScope, RateLimitState } from './types.ts';
