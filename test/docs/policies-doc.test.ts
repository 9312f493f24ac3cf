import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadPolicy } from '../../src/redundancy/load-policy.ts';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/sim/run.ts';

/**
 * docs/policies.md tells the truth about its example: the code block under the example marker is
 * the shipped file, byte for byte, and that policy passes the default scenario and fails
 * lost-acks-in-a-crash on exposure at the moment the page names.
 */

const DOC = readFileSync('docs/policies.md', 'utf8');

function exampleBlock(path: string): string {
  const marker = `<!-- example: ${path} -->\n\`\`\`ts\n`;
  const start = DOC.indexOf(marker);
  if (start < 0) throw new Error(`docs/policies.md has no example block for ${path}`);
  const from = start + marker.length;
  return DOC.slice(from, DOC.indexOf('\n```', from) + 1);
}

async function run(file: string) {
  const scenario = await loadScenarioFile(file);
  if (!scenario.ok) throw new Error(`${file} does not load`);
  const policy = await loadPolicy('src/redundancy/examples/simple-failover.ts');
  if (!policy.ok) throw new Error(policy.error.message);
  return runScenario(scenario.scenario, { policy: policy.create() });
}

describe('docs/policies.md', () => {
  test('shows simple-failover.ts exactly as shipped', () => {
    expect(exampleBlock('src/redundancy/examples/simple-failover.ts')).toBe(readFileSync('src/redundancy/examples/simple-failover.ts', 'utf8'));
  });

  test('the example passes the default scenario', async () => {
    const result = await run('scenarios/default.yaml');
    expect(result.invariants.filter((i) => !i.passed).map((i) => i.name)).toEqual([]);
    expect(result.faultsInjected['outage'] ?? 0).toBeGreaterThan(0);
  });

  test('the example fails lost-acks-in-a-crash on exposure at +1130 s, while the backup\'s clock is skewed, as the page says', async () => {
    const result = await run('scenarios/lost-acks-in-a-crash.yaml');
    const exposure = result.invariants.find((i) => i.name === 'exposure');
    expect(exposure?.passed).toBe(false);
    expect(DOC).toContain(`fails \`exposure\` at +${Math.round(exposure!.firstViolation!.tMs / 1000)} s`);
    const refusedForClock = result.trace.events.filter((e) => e.type === 'decision' && e.venue === 'backup' && String(e['message']).includes('InvalidNonce'));
    expect(refusedForClock.length).toBeGreaterThan(0);
  });
});
