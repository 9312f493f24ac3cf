import { Document, isMap, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { INVARIANT_NAMES, faultSchema, inventoryStepSchema, limitsSchema, marketSchema, scenarioSchema, venueSchema } from '../scenario/schema.ts';
import type { FuzzViolated } from './fuzz.ts';

/**
 * A shrunk counterexample as a scenario file: defaults left out (so what is left is what the
 * search found), a `yaml-language-server` header, a description saying how it was found and what
 * broke when, and the one-line command that replays it. Pure: the caller writes the text.
 */

/**
 * `value` without the keys `schema` would fill in the same way: a key goes when the object
 * without it parses to the same thing. Works for any strict object schema, so a new default in
 * the format needs no change here.
 */
export function withoutDefaults<T extends Record<string, unknown>>(value: T, schema: z.ZodType): Partial<T> {
  const full = schema.safeParse(value);
  if (!full.success) return value;
  const target = JSON.stringify(full.data);
  const out: Record<string, unknown> = { ...value };
  for (const key of Object.keys(value)) {
    if (out[key] === undefined) {
      delete out[key];
      continue;
    }
    const { [key]: _dropped, ...rest } = out;
    const parsed = schema.safeParse(rest);
    if (parsed.success && JSON.stringify(parsed.data) === target) delete out[key];
  }
  return out as Partial<T>;
}

/** A scenario document with every default left out, at every level the format has defaults. */
export function minimalDocument(doc: Record<string, unknown>): Record<string, unknown> {
  const list = (key: string, schema: z.ZodType): unknown[] | undefined =>
    Array.isArray(doc[key]) ? (doc[key] as Record<string, unknown>[]).map((item) => withoutDefaults(item, schema)) : undefined;
  const market = withoutDefaults(doc['market'] as Record<string, unknown>, marketSchema);
  const nested: Record<string, unknown> = {
    ...doc,
    market,
    venues: list('venues', venueSchema),
    inventory: list('inventory', inventoryStepSchema),
    faults: list('faults', faultSchema),
    limits: withoutDefaults(doc['limits'] as Record<string, unknown>, limitsSchema),
  };
  const out = withoutDefaults(nested, scenarioSchema);
  // Empty lists say nothing either ("faults: []" when the violation needs none).
  for (const key of ['inventory', 'faults', 'sources']) if (Array.isArray(out[key]) && (out[key] as unknown[]).length === 0) delete out[key];
  if (market['jumps'] !== undefined && (market['jumps'] as unknown[]).length === 0) delete (out['market'] as Record<string, unknown>)['jumps'];
  return out;
}

export interface CounterexampleFileOptions {
  /** How the policy was named on the command line (`--policy`), for the description and the replay command. */
  policySpec: string;
  /** Where the file will be written, as the replay command should name it. */
  file: string;
  /** The scenario the search started from (for the description). */
  baseName: string;
  /** `$schema` for editors, relative to the file (default ./venuechaos.schema.json). */
  schemaPath?: string;
  /** The scenario's `policy:`, relative to the file; left out, the base's. */
  policyPath?: string;
}

/** The one line that replays a counterexample file. */
export function replayCommand(file: string, policySpec: string): string {
  return `npx venuechaos run ${file}${policySpec === 'reference' ? '' : ` --policy ${policySpec}`}`;
}

/** The counterexample as scenario YAML; see the file comment. */
export function counterexampleYaml(report: FuzzViolated, options: CounterexampleFileOptions): string {
  const at = report.violation !== null ? `at +${(report.violation.tMs / 1000).toFixed(3)} s` : 'at the end of the run';
  const description =
    `Found by venuechaos fuzz (seed ${report.seed}, policy ${options.policySpec}, base ${options.baseName}) after ${report.searchRuns} run(s): ` +
    `the ${report.invariant} invariant broke ${at}` +
    (report.violation !== null ? `: ${report.violation.message}` : '') +
    `. Shrunk in ${report.shrinkSteps} step(s) (${report.shrinkRuns} run(s)${report.shrinkBudgetSpent ? ', shrink budget spent' : ''}) ` +
    `from ${report.found.faults} fault(s) over ${report.found.durationSec} s to ${report.shrunk.faults} fault(s) over ${report.shrunk.durationSec} s.`;
  const doc = minimalDocument({
    ...report.doc,
    name: `fuzz-${report.invariant}-${report.doc['name'] as string}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 64).replace(/-+$/, ''),
    description,
    // The base's sources are about the base's incident, not this schedule.
    sources: [],
    ...(options.policyPath !== undefined ? { policy: options.policyPath } : {}),
    // What the file shows, for the summary's "as expected" (a checker of the user's own, or a run
    // out of budget, has no name the format knows: then the default stays).
    ...((INVARIANT_NAMES as readonly string[]).includes(report.invariant) ? { expect: { outcome: 'violated', invariant: report.invariant } } : {}),
  });
  const yaml = new Document(doc);
  // Short entries on one line each, as the shipped scenarios write them.
  const flow = (node: unknown): void => {
    if (isMap(node) || isSeq(node)) (node as Node & { flow?: boolean }).flow = true;
  };
  for (const key of ['market', 'limits', 'expect']) flow(yaml.get(key, true));
  for (const key of ['venues', 'inventory', 'faults']) {
    const seq = yaml.get(key, true);
    if (isSeq(seq)) seq.items.forEach(flow);
  }
  const header = [
    `# yaml-language-server: $schema=${options.schemaPath ?? './venuechaos.schema.json'}`,
    `# Minimal counterexample found by \`venuechaos fuzz\`: ${report.invariant} breaks under policy ${options.policySpec}.`,
    `# Replay: ${replayCommand(options.file, options.policySpec)}`,
  ];
  return `${header.join('\n')}\n${yaml.toString({ lineWidth: 0 })}`;
}
