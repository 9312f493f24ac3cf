// Scenario loading: schema, parsing with positions, errors.
export { parseScenario, loadScenarioFile, type ScenarioResult } from './load.ts';
export { formatScenarioErrors, closest, type ScenarioError } from './errors.ts';
export { parseDuration } from './duration.ts';
export {
  scenarioSchema,
  faultSchema,
  venueSchema,
  DIALECT_NAMES,
  DIALECT_SYMBOLS,
  FAULT_KINDS,
  type Scenario,
  type ScenarioInput,
  type FaultSpec,
  type VenueSpec,
} from './schema.ts';
