/**
 * Scenario files: the v0 format, loading with positions, and errors people can act on.
 * (The fast-check arbitrary lives in ./arbitrary.ts and is not re-exported: fast-check is a
 * dev dependency, and this barrel is imported at run time by the CLI.)
 */

// Loading
export { loadScenarioFile, loadScenarioSet, parseScenario, parseScenarioSet, scenarioJsonSchema, type ParseOptions, type ScenarioResult, type ScenarioRun, type ScenarioSetResult } from './load.ts';
export { EXTENDS_DEPTH_MAX, MATRIX_RUNS_MAX, mergeDeep } from './compose.ts';

// Errors
export { formatScenarioError, formatScenarioErrors, SCENARIO_ERROR_CODES, type ScenarioError, type ScenarioErrorCode } from './errors.ts';
export { closest } from './did-you-mean.ts';

// Durations
export { DURATION_FORMAT, formatDuration, parseDuration, type DurationParse } from './duration.ts';

// Schema and types
export {
  DIALECT_NAMES,
  DIALECT_SYMBOLS,
  FAULT_KINDS,
  FAULT_SCHEMAS,
  INVARIANT_NAMES,
  OUTAGE_MODES,
  REFERENCE_POLICY,
  SYMBOLS,
  faultSchema,
  maintenanceFaultSchema,
  outageFaultSchema,
  rateLimitFaultSchema,
  scenarioSchema,
  venueSchema,
  type Dialect,
  type FaultKind,
  type FaultSpec,
  type InventoryStep,
  type Limits,
  type MaintenanceFaultSpec,
  type MarketSpec,
  type OutageFaultSpec,
  type RateLimitFaultSpec,
  type Scenario,
  type ScenarioInput,
  type VenueSpec,
} from './schema.ts';
