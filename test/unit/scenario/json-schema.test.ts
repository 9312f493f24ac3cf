import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { scenarioJsonSchema } from '../../../src/scenario/index.ts';
import { EXAMPLE_YAML, replaceOnce } from './fixtures.ts';

/**
 * The JSON Schema `venuechaos schema` prints, checked with a real JSON Schema validator (Ajv,
 * draft 2020-12): it accepts every shipped scenario, refuses what the loader refuses at the
 * shape level, and the copy shipped beside the scenarios (for editors) is the current one.
 */

const SHIPPED_SCHEMA = 'scenarios/venuechaos.schema.json';
const scenarioFiles = readdirSync('scenarios').filter((f) => /\.ya?ml$/.test(f)).sort();

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(scenarioJsonSchema());
}

describe('the scenario JSON Schema', () => {
  test.each(scenarioFiles)('validates shipped scenarios/%s', (file) => {
    const validate = validator();
    const ok = validate(parse(readFileSync(`scenarios/${file}`, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test.each(scenarioFiles)('scenarios/%s points editors at the shipped schema', (file) => {
    expect(readFileSync(`scenarios/${file}`, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./venuechaos.schema.json');
  });

  test('refuses an unknown key, a wrong type and an unknown fault kind', () => {
    const validate = validator();
    const base = parse(EXAMPLE_YAML) as Record<string, unknown>;
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, sed: 1 })).toBe(false);
    expect(validate({ ...base, seed: 'forty-two' })).toBe(false);
    expect(validate(parse(replaceOnce(EXAMPLE_YAML, 'kind: rateLimit', 'kind: ratelimit')))).toBe(false);
  });

  test(`${SHIPPED_SCHEMA} is up to date (regenerate: npx venuechaos schema --out ${SHIPPED_SCHEMA})`, () => {
    expect(JSON.parse(readFileSync(SHIPPED_SCHEMA, 'utf8'))).toEqual(scenarioJsonSchema());
  });
});
