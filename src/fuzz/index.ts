/**
 * Property-based search for invariant violations, and shrinking one to a replayable scenario.
 * Imports fast-check: load it (`await import('../fuzz/index.ts')`) only where a search runs.
 */

// Search
export { fuzz, brokenInvariants, sizeOf, INTERRUPTED, type FuzzOptions, type FuzzProgress, type FuzzReport, type FuzzPassed, type FuzzViolated, type CandidateSize } from './fuzz.ts';
export { candidateArbitrary, candidateDocument, candidateScenario, clipWindows, durationBounds, type FuzzCandidate, type FuzzSearchOptions } from './candidate.ts';

// Arbitraries
export {
  DOWN_KINDS,
  FUZZ_KINDS_DEFAULT,
  faultArbitrary,
  faultScheduleArbitrary,
  healthyWindowHolds,
  inventoryFlowArbitrary,
  inventoryStepsArbitrary,
  keepConcurrentDownWithin,
  keepHealthyWindow,
  marketGapsArbitrary,
  marketJumpsArbitrary,
  marketPathArbitrary,
  type FaultInput,
  type FaultScheduleOptions,
  type FuzzFrame,
  type HealthyWindow,
  type InventoryFlowInput,
  type InventoryFlowOptions,
  type InventoryStepInput,
  type InventoryStepsOptions,
  type GapInput,
  type JumpInput,
  type MarketGapsOptions,
  type MarketJumpsOptions,
  type MarketPathInput,
  type MarketPathOptions,
} from './arbitraries.ts';
// Whole valid scenario inputs (what a file may say), for round-trip and loader properties.
export { durationInputArbitrary, scenarioArbitrary } from '../scenario/arbitrary.ts';

// Counterexample files
export { counterexampleYaml, minimalDocument, replayCommand, withoutDefaults, type CounterexampleFileOptions } from './counterexample.ts';
