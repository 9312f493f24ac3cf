import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { formatPolicyLoadError, loadPolicy } from '../../src/redundancy/load-policy.ts';
import { parseScenario } from '../../src/scenario/index.ts';
import { PolicyLoadFailure, runScenario } from '../../src/sim/run.ts';

/**
 * User policy modules: TypeScript and JavaScript both load; a factory gives every run fresh
 * state; every mistake (no file, no default export, wrong shape, a module that does not compile)
 * is an error that names the file and says what to write — never a stack trace for the user's
 * mistake alone.
 */

const dir = mkdtempSync(join(tmpdir(), 'vc-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

// Hedges the inventory on the first venue; counts its starts so state sharing would show.
const FACTORY_TS = `
import type { Policy } from '${join(process.cwd(), 'src/redundancy/policy.ts')}';
let made = 0;
export default function create(): Policy {
  made += 1;
  const instance = made;
  let hedged = 0;
  return {
    name: 'tiny-ts',
    async start(ctx) {
      ctx.log('instance ' + instance);
      const v = ctx.venues[0]!;
      await v.exchange.loadMarkets();
      void (async () => {
        while (!ctx.signal.aborted) {
          const net: number = ctx.inventoryBase() + hedged;
          if (Math.abs(net) >= 0.001) {
            const o = await v.exchange.createOrder(v.symbol, 'market', net > 0 ? 'sell' : 'buy', Math.abs(net));
            hedged += (net > 0 ? -1 : 1) * Number(o.filled);
          }
          await ctx.clock.sleep(1000);
        }
      })().catch(ctx.reportError);
    },
  };
}
`;

const SCENARIO = (policy: string): string => `
name: tiny
seed: 1
durationSec: 2m
market: { priceStart: 60000, volatilityAnnual: 0 }
venues: [{ id: solo, dialect: binanceusdm }]
inventory: [{ atSec: 10, base: 1 }]
limits: { netBaseMax: 0.1, hedgeWithinSec: 10 }
policy: ${policy}
`;

describe('loading a user policy', () => {
  test('a TypeScript factory loads from a path relative to the scenario, runs, and gives each run a fresh instance', async () => {
    write('tiny.ts', FACTORY_TS);
    const parsed = parseScenario(SCENARIO('./tiny.ts'), join(dir, 'tiny.yaml'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const first = await runScenario(parsed.scenario, { policyDir: dir });
    const second = await runScenario(parsed.scenario, { policyDir: dir });
    expect(first.policy).toBe('tiny-ts');
    expect(first.outcome).toBe('passed');
    expect(first.trace.events.some((e) => e.type === 'venue.fill')).toBe(true);
    const instance = (r: typeof first) => r.trace.events.find((e) => e.type === 'decision' && String(e['message']).startsWith('instance'))?.['message'];
    expect(instance(second)).not.toBe(instance(first));
  });

  test('a JavaScript module exporting a Policy object loads too', async () => {
    const file = write('obj.mjs', `export default { name: 'js-object', start() {} };\n`);
    const loaded = await loadPolicy(file);
    expect(loaded).toMatchObject({ ok: true, name: 'js-object' });
  });

  test('a missing module is VC_POLICY_FILE, saying what paths are relative to', async () => {
    const loaded = await loadPolicy('./nope.ts', dir);
    expect(loaded).toMatchObject({ ok: false, error: { code: 'VC_POLICY_FILE', file: join(dir, 'nope.ts'), hint: expect.stringContaining('relative to the scenario file') } });
    // And a run of a scenario naming it refuses with the same message, before virtual time starts.
    const parsed = parseScenario(SCENARIO('./nope.ts'), 'x.yaml');
    if (!parsed.ok) throw new Error('scenario should parse');
    await expect(runScenario(parsed.scenario, { policyDir: dir })).rejects.toBeInstanceOf(PolicyLoadFailure);
  });

  test('named exports only: says which, and suggests the default export', async () => {
    const file = write('named.ts', `export function createPolicy() { return { name: 'n', start() {} }; }\n`);
    const loaded = await loadPolicy(file);
    expect(loaded).toMatchObject({ ok: false, error: { code: 'VC_POLICY_SHAPE', found: 'named exports only: createPolicy', hint: 'add `export default createPolicy`' } });
  });

  test('a default export of the wrong shape names what is missing', async () => {
    const noStart = await loadPolicy(write('no-start.mjs', `export default { name: 'x', run() {} };\n`));
    expect(noStart).toMatchObject({ ok: false, error: { code: 'VC_POLICY_SHAPE', message: expect.stringContaining('no `start(ctx)` method'), found: 'an object with keys name, run' } });
    const factoryOfNumber = await loadPolicy(write('factory-number.mjs', `export default () => 42;\n`));
    expect(factoryOfNumber).toMatchObject({ ok: false, error: { message: expect.stringContaining('what it returns is not a Policy') } });
  });

  test('a module that does not compile is VC_POLICY_IMPORT with the cause kept for the terminal', async () => {
    const loaded = await loadPolicy(write('broken.ts', `export default function ( {\n`));
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.code).toBe('VC_POLICY_IMPORT');
    expect(loaded.error.cause).toBeTruthy();
    expect(formatPolicyLoadError(loaded.error)).toMatch(/broken\.ts {2}the policy module failed to load: .+ {2}\[VC_POLICY_IMPORT\]/);
  });
});
