import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Policy } from './policy.ts';
import { createReferencePolicy } from './reference.ts';

/**
 * Loads the policy a scenario (or `--policy`) names: "reference", or a TypeScript / JavaScript
 * module whose default export is a factory `() => Policy` (preferred: every run gets fresh
 * state) or a Policy object. Never throws for a user's mistake: a missing file, a module that
 * fails to import, or an export of the wrong shape comes back as a `PolicyLoadError` that says
 * what was found and what to write instead.
 *
 * @example
 * // policies/my-policy.ts
 * import type { Policy } from '../src/redundancy/policy.ts';
 * export default function createPolicy(): Policy {
 *   return { name: 'my-policy', start(ctx) { … } };
 * }
 */

export interface PolicyLoadError {
  code: 'VC_POLICY_FILE' | 'VC_POLICY_IMPORT' | 'VC_POLICY_SHAPE';
  /** The module path as resolved. */
  file: string;
  message: string;
  expected?: string;
  found?: string;
  hint?: string;
  /** The import's own error, with its stack (syntax errors carry file:line there). */
  cause?: string;
}

/** Makes a fresh policy for each run. */
export type PolicyFactory = () => Policy;

export type PolicyLoad = { ok: true; name: string; create: PolicyFactory } | { ok: false; error: PolicyLoadError };

const EXPECTED = 'a default export: a function returning a Policy ({ name, start(ctx), onInventoryChange?, stop? }), or such an object';

/**
 * Resolves `spec` ("reference" or a module path; relative paths against `baseDir`) to a factory.
 * Importing the module is real I/O: do it before a run starts, never inside one.
 */
export async function loadPolicy(spec: string, baseDir: string = process.cwd()): Promise<PolicyLoad> {
  if (spec === 'reference') return { ok: true, name: 'reference', create: () => createReferencePolicy() };
  const file = isAbsolute(spec) ? spec : resolve(baseDir, spec);
  if (!existsSync(file) || !statSync(file).isFile()) {
    return {
      ok: false,
      error: { code: 'VC_POLICY_FILE', file, message: `no policy module at ${spec}`, hint: 'a scenario\'s policy path is relative to the scenario file; --policy is relative to the current directory' },
    };
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'VC_POLICY_IMPORT',
        file,
        message: `the policy module failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        hint: 'run it on its own (npx tsx <file>) to see the error in context',
        cause: error instanceof Error ? (error.stack ?? error.message) : String(error),
      },
    };
  }
  const exported = mod['default'];
  if (exported === undefined) {
    const names = Object.keys(mod);
    return {
      ok: false,
      error: {
        code: 'VC_POLICY_SHAPE',
        file,
        message: 'the policy module has no default export',
        expected: EXPECTED,
        found: names.length > 0 ? `named exports only: ${names.join(', ')}` : 'no exports',
        hint: names.length > 0 ? `add \`export default ${names[0]}\`` : 'add `export default function createPolicy(): Policy { … }`',
      },
    };
  }
  if (typeof exported === 'function') {
    // A factory: check the shape of what it makes once, so a mistake shows before the run.
    let sample: unknown;
    try {
      sample = (exported as () => unknown)();
    } catch (error) {
      return { ok: false, error: { code: 'VC_POLICY_IMPORT', file, message: `the policy factory threw: ${error instanceof Error ? error.message : String(error)}`, cause: error instanceof Error ? (error.stack ?? error.message) : String(error) } };
    }
    const problem = shapeProblem(sample);
    if (problem !== undefined) return { ok: false, error: { code: 'VC_POLICY_SHAPE', file, message: `the default export is a function, but what it returns is not a Policy: ${problem}`, expected: EXPECTED, found: describe(sample) } };
    return { ok: true, name: (sample as Policy).name, create: exported as PolicyFactory };
  }
  const problem = shapeProblem(exported);
  if (problem !== undefined) return { ok: false, error: { code: 'VC_POLICY_SHAPE', file, message: `the default export is not a Policy: ${problem}`, expected: EXPECTED, found: describe(exported) } };
  // An object is shared by every run in this process: its state carries over (prefer a factory).
  return { ok: true, name: (exported as Policy).name, create: () => exported as Policy };
}

function shapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return `found ${describe(value)}`;
  const p = value as Record<string, unknown>;
  if (typeof p['name'] !== 'string' || p['name'] === '') return 'it has no `name` (a non-empty string)';
  if (typeof p['start'] !== 'function') return 'it has no `start(ctx)` method';
  for (const optional of ['onInventoryChange', 'stop']) {
    if (p[optional] !== undefined && typeof p[optional] !== 'function') return `\`${optional}\` is not a function`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value as object).join(', ') || '(none)'}`;
  return typeof value === 'function' ? 'a function' : `${typeof value} ${JSON.stringify(value)}`;
}

/** A policy load error for a terminal. */
export function formatPolicyLoadError(e: PolicyLoadError): string {
  const lines = [`${e.file}  ${e.message}  [${e.code}]`];
  if (e.expected !== undefined) lines.push(`  expected: ${e.expected}`);
  if (e.found !== undefined) lines.push(`  found:    ${e.found}`);
  if (e.hint !== undefined) lines.push(`  hint:     ${e.hint}`);
  return lines.join('\n');
}
