import { describe, expect, test } from 'vitest';
import { FAULT_KINDS, formatScenarioErrors, parseScenario, type ScenarioError } from '../../../src/scenario/index.ts';

// The list of kinds grows with the fault model; the message must list exactly the kinds there are.
const KINDS = FAULT_KINDS.join(' | ');
import { EXAMPLE_YAML, positionOf, replaceOnce } from './fixtures.ts';

function errorsOf(text: string, file = 'bad.yaml'): ScenarioError[] {
  const result = parseScenario(text, file);
  if (result.ok) throw new Error('expected errors, the scenario loaded');
  return result.errors;
}

function onlyError(text: string): ScenarioError {
  const errors = errorsOf(text);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('error positions point at the offending node', () => {
  test('bad YAML gives VC_SCENARIO_YAML with the position yaml reports', () => {
    const error = onlyError(replaceOnce(EXAMPLE_YAML, 'limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }', 'limits: { netBaseMax: 0.5, hedgeWithinSec: 30'));
    expect(error).toMatchObject({ code: 'VC_SCENARIO_YAML', file: 'bad.yaml', path: '' });
    expect(error.line).toBeGreaterThanOrEqual(12);
    expect(error.column).toBeGreaterThanOrEqual(1);
  });

  test('a tab in the indentation is a YAML error on its line', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'inventory:                       # exposure changes the desk must hedge (deltas in base units)\n  - { atSec: 0', 'inventory:\n\t- { atSec: 0');
    const errors = errorsOf(text);
    expect(errors[0]).toMatchObject({ code: 'VC_SCENARIO_YAML', line: 10 });
  });

  test('duplicate keys are a YAML error at the second key', () => {
    const error = onlyError(EXAMPLE_YAML + 'seed: 43\n');
    expect(error).toMatchObject({ code: 'VC_SCENARIO_YAML', line: 17, column: 1 });
  });

  test('an unknown fault kind names the kind node and suggests the right spelling', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'kind: rateLimit', 'kind: ratelimit');
    expect(onlyError(text)).toEqual({
      code: 'VC_SCENARIO_VALUE',
      file: 'bad.yaml',
      ...positionOf(text, 'ratelimit'),
      path: 'faults[1].kind',
      message: 'unknown fault kind',
      expected: `one of ${KINDS}`,
      found: '"ratelimit"',
      hint: 'did you mean "rateLimit"?',
    });
    expect(positionOf(text, 'ratelimit')).toEqual({ line: 15, column: 28 });
  });

  test('a negative duration names the value', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'durationSec: 600', 'durationSec: -600');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_VALUE', ...positionOf(text, '-600'), path: 'faults[0].durationSec', message: 'durations cannot be negative', expected: 'a number > 0', found: '-600' });
  });

  test('a zero run duration is out of range', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'durationSec: 3600', 'durationSec: 0s');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_VALUE', line: 4, column: 14, path: 'durationSec', expected: 'a number > 0' });
  });

  test('an unknown venue in a fault names the venue node and suggests the closest venue', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'venue: backup,', 'venue: backpu,');
    expect(onlyError(text)).toMatchObject({
      code: 'VC_SCENARIO_UNKNOWN_VENUE',
      ...positionOf(text, 'backpu'),
      path: 'faults[1].venue',
      expected: 'one of primary | backup',
      found: '"backpu"',
      hint: 'did you mean "backup"?',
    });
  });

  test('an unknown key names the key node and suggests an allowed key', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'volatilityAnnual: 0.8', 'volatility: 0.8');
    expect(onlyError(text)).toMatchObject({
      code: 'VC_SCENARIO_UNKNOWN_KEY',
      ...positionOf(text, 'volatility'),
      path: 'market.volatility',
      found: '"volatility"',
      expected: 'one of symbol | priceStart | volatilityAnnual | driftAnnual | jumps | gaps',
    });
  });

  test('an unknown key close to an allowed one gets a "did you mean"', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'seed: 42', 'sed: 42');
    const errors = errorsOf(text);
    expect(errors.find((e) => e.code === 'VC_SCENARIO_UNKNOWN_KEY')).toMatchObject({ line: 3, column: 1, path: 'sed', hint: 'did you mean "seed"?' });
    // The misspelt key also leaves `seed` missing: reported at the mapping that lacks it.
    expect(errors.find((e) => e.code === 'VC_SCENARIO_MISSING_KEY')).toMatchObject({ line: 1, column: 1, path: 'seed' });
  });

  test('a key missing its unit suffix is pointed at the suffixed name', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'hedgeWithinSec: 30', 'hedgeWithin: 30');
    expect(errorsOf(text).find((e) => e.code === 'VC_SCENARIO_UNKNOWN_KEY')?.hint).toBe('did you mean "hedgeWithinSec"?');
  });

  test('a wrong type names the value and says what type was expected', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'priceStart: 60000', 'priceStart: [60000]');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_TYPE', ...positionOf(text, '[60000]'), path: 'market.priceStart', expected: 'a number', found: 'a list' });
  });

  test('a string where a duration goes is a duration error with the expected format', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'hedgeWithinSec: 30', 'hedgeWithinSec: 30 seconds');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_DURATION', ...positionOf(text, '30 seconds'), path: 'limits.hedgeWithinSec', expected: expect.stringContaining('"1h30m"'), found: '"30 seconds"' });
  });

  test('a missing required key points at the parent mapping', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'netBaseMax: 0.5, ', '');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_MISSING_KEY', ...positionOf(text, '{ hedgeWithinSec'), path: 'limits.netBaseMax', hint: 'add netBaseMax: under limits' });
  });

  test('an invalid enum value suggests the closest option', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'mode: timeout', 'mode: timout');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_VALUE', ...positionOf(text, 'timout'), path: 'faults[0].mode', expected: 'one of refused | reset | timeout | http5xx | cdn', hint: 'did you mean "timeout"?' });
  });

  test('a misspelt policy suggests "reference"', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'policy: reference', 'policy: refrence');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_VALUE', line: 16, column: 9, path: 'policy', hint: 'did you mean "reference"?' });
  });

  test('a lower-case asset code suggests the upper-case one at the key', () => {
    const text = replaceOnce(EXAMPLE_YAML, '{ id: backup,  dialect: binanceusdm, balances: { USDT', '{ id: backup,  dialect: binanceusdm, balances: { usdt');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_VALUE', ...positionOf(text, 'usdt'), path: 'venues[1].balances.usdt', hint: 'did you mean "USDT"?' });
  });

  test('an empty file and a list at the top level are type errors at 1:1', () => {
    expect(onlyError('')).toMatchObject({ code: 'VC_SCENARIO_TYPE', line: 1, column: 1, message: 'the file is empty' });
    expect(onlyError('# nothing here\n')).toMatchObject({ code: 'VC_SCENARIO_TYPE', line: 1, column: 1 });
    expect(onlyError('- a\n- b\n')).toMatchObject({ code: 'VC_SCENARIO_TYPE', line: 1, column: 1, expected: 'a mapping', found: 'a list' });
  });

  test('JSON positions work like YAML positions', () => {
    const text = '{\n  "name": "x",\n  "seed": "forty-two"\n}';
    const errors = errorsOf(text, 'bad.json');
    expect(errors.find((e) => e.path === 'seed')).toMatchObject({ code: 'VC_SCENARIO_TYPE', file: 'bad.json', line: 3, column: 11, found: '"forty-two"' });
  });
});

describe('every mistake is reported at once', () => {
  test('reports schema mistakes all over the file in one result, in file order', () => {
    let text = replaceOnce(EXAMPLE_YAML, 'seed: 42', 'seed: -1');
    text = replaceOnce(text, 'dialect: binanceusdm, balances: { USDT: 250000 } }\n  - { id: backup', 'dialect: binanceusd, balances: { USDT: 250000 } }\n  - { id: backup');
    text = replaceOnce(text, 'kind: rateLimit', 'kind: ratelimit');
    text = replaceOnce(text, 'mode: timeout', 'mode: timeout, colour: red');
    text = replaceOnce(text, 'base: 5', 'base: five');
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['VC_SCENARIO_VALUE', 'seed'],
      ['VC_SCENARIO_VALUE', 'venues[0].dialect'],
      ['VC_SCENARIO_TYPE', 'inventory[0].base'],
      ['VC_SCENARIO_UNKNOWN_KEY', 'faults[0].colour'],
      ['VC_SCENARIO_VALUE', 'faults[1].kind'],
    ]);
    expect(errors.every((e) => e.line >= 1 && e.column >= 1 && e.file === 'bad.yaml')).toBe(true);
  });

  test('reports every cross-field mistake in one result', () => {
    let text = replaceOnce(EXAMPLE_YAML, 'venue: primary,', 'venue: nowhere,');
    text = replaceOnce(text, 'atSec: 700, durationSec: 120', 'atSec: 3500, durationSec: 120');
    text = replaceOnce(text, 'atSec: 1200', 'atSec: 3600');
    text = replaceOnce(text, '{ id: backup,', '{ id: primary,');
    expect(errorsOf(text).map((e) => [e.code, e.path])).toEqual([
      ['VC_SCENARIO_DUPLICATE_VENUE', 'venues[1].id'],
      ['VC_SCENARIO_WINDOW', 'inventory[1].atSec'],
      ['VC_SCENARIO_UNKNOWN_VENUE', 'faults[0].venue'],
      // "backup" was renamed away, so the second fault's venue is unknown too.
      ['VC_SCENARIO_UNKNOWN_VENUE', 'faults[1].venue'],
      ['VC_SCENARIO_WINDOW', 'faults[1].durationSec'],
    ]);
  });
});

describe('cross-field checks', () => {
  test('a fault on a venue that does not exist is VC_SCENARIO_UNKNOWN_VENUE', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'venue: primary,', 'venue: tertiary,');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_UNKNOWN_VENUE', path: 'faults[0].venue', ...positionOf(text, 'tertiary'), hint: expect.stringContaining('add the venue') });
  });

  test('a fault window that ends after the run is VC_SCENARIO_WINDOW at its durationSec', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'atSec: 700, durationSec: 120', 'atSec: 3500, durationSec: 120');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_WINDOW', path: 'faults[1].durationSec', ...positionOf(text, '120 }'.slice(0, 3), 1), found: '3500 + 120 = 3620' });
  });

  test('a fault window that ends exactly at the end of the run is fine', () => {
    const result = parseScenario(replaceOnce(EXAMPLE_YAML, 'atSec: 700, durationSec: 120', 'atSec: 59m, durationSec: 1m'), 'ok.yaml');
    expect(result.ok).toBe(true);
  });

  test('a fault that starts at or after the end of the run is VC_SCENARIO_WINDOW at its atSec', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'atSec: 700, durationSec: 120', 'atSec: 2h, durationSec: 120');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_WINDOW', path: 'faults[1].atSec', ...positionOf(text, '2h') });
  });

  test('a maintenance window needs no room for its announcement before the run starts', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'kind: rateLimit, atSec: 700, durationSec: 120, retryAfterSec: 10', 'kind: maintenance, atSec: 60, durationSec: 120, announcedAheadSec: 1h');
    expect(parseScenario(text, 'ok.yaml').ok).toBe(true);
  });

  test('an inventory step at or after the end of the run is VC_SCENARIO_WINDOW', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'atSec: 1200', 'atSec: 3600');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_WINDOW', path: 'inventory[1].atSec', ...positionOf(text, '3600', 1) });
  });

  test('a price jump after the end of the run is VC_SCENARIO_WINDOW', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'priceStart: 60000,', 'priceStart: 60000, jumps: [{ atSec: 2h, pct: 5 }],');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_WINDOW', path: 'market.jumps[0].atSec', ...positionOf(text, '2h') });
  });

  test('two venues with the same id is VC_SCENARIO_DUPLICATE_VENUE at the second id', () => {
    const text = replaceOnce(EXAMPLE_YAML, '{ id: backup,', '{ id: primary,').replace('venue: backup', 'venue: primary');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_DUPLICATE_VENUE', path: 'venues[1].id', ...positionOf(text, 'primary,', 1) });
  });

  test('a symbol the venue dialect does not list is VC_SCENARIO_SYMBOL with a suggestion', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'symbol: BTC/USDT:USDT', 'symbol: BTC/USDT');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_SYMBOL', path: 'market.symbol', ...positionOf(text, 'BTC/USDT'), hint: 'did you mean "BTC/USDT:USDT"?' });
  });

  test('ETH/USDT:USDT is supported by binanceusdm', () => {
    expect(parseScenario(replaceOnce(EXAMPLE_YAML, 'symbol: BTC/USDT:USDT', 'symbol: ETH/USDT:USDT'), 'ok.yaml').ok).toBe(true);
  });

  test('a starting position in another symbol than the market is VC_SCENARIO_SYMBOL', () => {
    const text = replaceOnce(EXAMPLE_YAML, '{ id: backup,  dialect: binanceusdm,', '{ id: backup,  dialect: binanceusdm, positions: [{ symbol: ETH/USDT:USDT, base: 1 }],');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_SYMBOL', path: 'venues[1].positions[0].symbol', ...positionOf(text, 'ETH/USDT:USDT') });
  });

  test('a venue instrument its dialect does not list, or of another coin, is VC_SCENARIO_SYMBOL at venues[i].symbol', () => {
    const unlisted = replaceOnce(EXAMPLE_YAML, '{ id: backup,  dialect: binanceusdm,', '{ id: backup,  dialect: binanceusdm, symbol: BTC/USD,');
    expect(onlyError(unlisted)).toMatchObject({ code: 'VC_SCENARIO_SYMBOL', path: 'venues[1].symbol', ...positionOf(unlisted, 'BTC/USD,'), found: '"BTC/USD"' });
    const otherCoin = replaceOnce(EXAMPLE_YAML, '{ id: backup,  dialect: binanceusdm,', '{ id: backup,  dialect: binanceusdm, symbol: ETH/USDT:USDT,');
    expect(onlyError(otherCoin)).toMatchObject({ code: 'VC_SCENARIO_SYMBOL', path: 'venues[1].symbol', message: 'venue backup would hedge ETH exposure, but the run\'s market is BTC' });
    expect(parseScenario(replaceOnce(EXAMPLE_YAML, '{ id: backup,  dialect: binanceusdm,', '{ id: backup,  dialect: bybit, symbol: BTC/USDT:USDT,'), 'ok.yaml').ok).toBe(true);
  });

  test('schema and cross-field mistakes are reported together', () => {
    const text = replaceOnce(replaceOnce(EXAMPLE_YAML, 'venue: primary,', 'venue: nowhere,'), 'seed: 42', 'seed: x');
    expect(errorsOf(text).map((e) => [e.code, e.path])).toEqual([
      ['VC_SCENARIO_TYPE', 'seed'],
      ['VC_SCENARIO_UNKNOWN_VENUE', 'faults[0].venue'],
    ]);
  });

  test('a cross-field check whose own inputs are invalid is skipped, not reported twice', () => {
    // durationSec is broken: the windows cannot be checked against it, and are not flagged.
    let text = replaceOnce(EXAMPLE_YAML, 'durationSec: 3600', 'durationSec: soon');
    text = replaceOnce(text, 'atSec: 700, durationSec: 120', 'atSec: 9000, durationSec: 120');
    expect(errorsOf(text).map((e) => [e.code, e.path])).toEqual([['VC_SCENARIO_DURATION', 'durationSec']]);
    // A venue entry with a bad field still has its id: faults naming it are not "unknown venue".
    const badVenue = replaceOnce(EXAMPLE_YAML, '{ id: backup,  dialect: binanceusdm,', '{ id: backup,  dialect: binance-usdm,');
    expect(errorsOf(badVenue).map((e) => [e.code, e.path])).toEqual([['VC_SCENARIO_VALUE', 'venues[1].dialect']]);
  });
});

describe('cross-field checks: several markets and gaps', () => {
  const TWO = replaceOnce(
    replaceOnce(EXAMPLE_YAML, 'market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.8 }', 'market:\n  - { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.8 }\n  - { symbol: ETH/USDT:USDT, priceStart: 3000 }'),
    'limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }',
    'limits: { netBaseMax: 0.5, hedgeWithinSec: 30, assets: { ETH: { netBaseMax: 5 } } }',
  );

  test('two markets with limits for the second coin load; its inventory names the coin', () => {
    const parsed = parseScenario(replaceOnce(TWO, '  - { atSec: 0, base: 5 }', '  - { atSec: 0, base: 5 }\n  - { atSec: 0, asset: ETH, base: 10 }'), 'ok.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.scenario.inventory[1]).toMatchObject({ asset: 'ETH', base: 10 });
    expect(parsed.scenario.limits.assets).toEqual({ ETH: { netBaseMax: 5 } });
  });

  test('a further coin without limits.assets is VC_SCENARIO_ASSET at limits, saying what to add', () => {
    const text = replaceOnce(TWO, ', assets: { ETH: { netBaseMax: 5 } }', '');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_ASSET', path: 'limits', expected: 'limits.assets.ETH: { netBaseMax: … }', ...positionOf(text, '{ netBaseMax: 0.5') });
  });

  test('limits for the first coin, or for a coin no market prices, are VC_SCENARIO_ASSET at the key', () => {
    const first = replaceOnce(TWO, 'assets: { ETH:', 'assets: { BTC: { netBaseMax: 1 }, ETH:');
    expect(onlyError(first)).toMatchObject({ code: 'VC_SCENARIO_ASSET', path: 'limits.assets.BTC', hint: 'move them up to limits:' });
    const typo = replaceOnce(TWO, 'assets: { ETH:', 'assets: { ETC: { netBaseMax: 1 }, ETH:');
    expect(onlyError(typo)).toMatchObject({ code: 'VC_SCENARIO_ASSET', path: 'limits.assets.ETC', hint: 'did you mean "ETH"?' });
  });

  test('an inventory coin no market prices is VC_SCENARIO_ASSET; "ETH" is not taken for a typo of "BTC"', () => {
    const text = replaceOnce(EXAMPLE_YAML, '  - { atSec: 0, base: 5 }', '  - { atSec: 0, base: 5 }\n  - { atSec: 0, asset: ETH, base: 10 }');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_ASSET', path: 'inventory[1].asset', ...positionOf(text, 'ETH, base'), hint: 'add a market in ETH under market: (a list of markets)' });
  });

  test('two markets in one coin, and a venue with two instruments of one coin, are refused', () => {
    const twice = replaceOnce(TWO, '{ symbol: ETH/USDT:USDT, priceStart: 3000 }', '{ symbol: BTC/USDT:USDT, priceStart: 3000 }');
    expect(errorsOf(twice).map((e) => [e.code, e.path])).toContainEqual(['VC_SCENARIO_ASSET', 'market[1].symbol']);
    const doubled = replaceOnce(TWO, '{ id: backup,  dialect: binanceusdm,', '{ id: backup,  dialect: binanceusdm, symbol: [BTC/USDT:USDT, BTC/USDT:USDT],');
    expect(onlyError(doubled)).toMatchObject({ code: 'VC_SCENARIO_SYMBOL', path: 'venues[1].symbol[1]' });
  });

  test('a coin no dialect lists says which coins the mocks have', () => {
    const text = replaceOnce(replaceOnce(TWO, 'ETH/USDT:USDT', 'SOL/USDT:USDT'), 'assets: { ETH:', 'assets: { SOL:');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_SYMBOL', path: 'market[1].symbol', hint: 'no dialect lists a SOL market; the coins venuechaos mocks are BTC, ETH' });
  });

  test('a gap that reopens after the run, or overlaps another, is VC_SCENARIO_WINDOW at the offending field', () => {
    const late = replaceOnce(EXAMPLE_YAML, 'priceStart: 60000,', 'priceStart: 60000, gaps: [{ atSec: 3500, durationSec: 5m }],');
    expect(onlyError(late)).toMatchObject({ code: 'VC_SCENARIO_WINDOW', path: 'market.gaps[0].durationSec', ...positionOf(late, '5m') });
    const overlap = replaceOnce(EXAMPLE_YAML, 'priceStart: 60000,', 'priceStart: 60000, gaps: [{ atSec: 20m, durationSec: 2m }, { atSec: 21m, durationSec: 1m }],');
    expect(onlyError(overlap)).toMatchObject({ code: 'VC_SCENARIO_WINDOW', path: 'market.gaps[1].atSec', ...positionOf(overlap, '21m') });
    // Back to back is fine: a gap may start the moment the one before reopens.
    expect(parseScenario(replaceOnce(EXAMPLE_YAML, 'priceStart: 60000,', 'priceStart: 60000, gaps: [{ atSec: 20m, durationSec: 1m }, { atSec: 21m, durationSec: 1m }],'), 'ok.yaml').ok).toBe(true);
  });

  test('a wrong field inside one market of a list is reported at that field, not at market', () => {
    const text = replaceOnce(TWO, 'priceStart: 3000', 'priceStart: cheap');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_TYPE', path: 'market[1].priceStart', ...positionOf(text, 'cheap') });
  });
});

describe('formatScenarioErrors', () => {
  test('renders file:line:col, path, message, code, then expected / found / hint', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'kind: rateLimit', 'kind: ratelimit');
    expect(formatScenarioErrors(errorsOf(text, 'scenarios/bad.yaml'))).toBe(
      [
        'scenarios/bad.yaml:15:28  faults[1].kind  unknown fault kind  [VC_SCENARIO_VALUE]',
        `  expected: one of ${KINDS}`,
        '  found:    "ratelimit"',
        '  hint:     did you mean "rateLimit"?',
      ].join('\n'),
    );
  });

  test('separates errors with a blank line and leaves out absent parts', () => {
    const out = formatScenarioErrors([
      { code: 'VC_SCENARIO_FILE', file: 'x.yaml', line: 0, column: 0, path: '', message: 'no such file' },
      { code: 'VC_SCENARIO_YAML', file: 'y.yaml', line: 2, column: 3, path: '', message: 'not valid YAML: oops', hint: 'check brackets' },
    ]);
    expect(out).toBe('x.yaml  no such file  [VC_SCENARIO_FILE]\n\ny.yaml:2:3  not valid YAML: oops  [VC_SCENARIO_YAML]\n  hint:     check brackets');
  });
});

describe('rateLimit: a forced window or a tightened budget, not both', () => {
  test('budgetPct with retryAfterSec is refused at retryAfterSec, saying why and what to do', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'retryAfterSec: 10', 'retryAfterSec: 10, budgetPct: 20');
    const error = onlyError(text);
    expect(error).toMatchObject({ path: 'faults[1].retryAfterSec', line: positionOf(text, 'retryAfterSec').line });
    expect(error.message).toMatch(/with budgetPct the venue sends the real Retry-After.*Remove one of them/);
  });

  test('budgetPct outside (0, 100] is out of range', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'retryAfterSec: 10', 'budgetPct: 150');
    expect(onlyError(text)).toMatchObject({ path: 'faults[1].budgetPct', found: '150' });
  });
});

describe('inventory flows and phases', () => {
  test('an inventory entry with both base and flow, or neither, is refused at the entry saying which', () => {
    const both = replaceOnce(EXAMPLE_YAML, '{ atSec: 1200, base: -2 }', '{ atSec: 1200, base: -2, flow: { durationSec: 60, ratePerHour: 10, baseMax: 1 } }');
    expect(onlyError(both)).toMatchObject({ path: 'inventory[1].flow', expected: 'exactly one of base: or flow:', line: positionOf(both, 'flow').line });
    const neither = replaceOnce(EXAMPLE_YAML, '{ atSec: 1200, base: -2 }', '{ atSec: 1200 }');
    expect(onlyError(neither).message).toMatch(/needs base: \(a step\) or flow: \(a random flow\)/);
  });

  test('a flow that runs past the end of the run is VC_SCENARIO_WINDOW at its durationSec', () => {
    const text = replaceOnce(EXAMPLE_YAML, '{ atSec: 1200, base: -2 }', '{ atSec: 50m, flow: { durationSec: 20m, ratePerHour: 10, baseMax: 1 } }');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_WINDOW', path: 'inventory[1].flow.durationSec', found: '3000 + 1200 = 4200', ...positionOf(text, '20m') });
  });

  test('a fault running into the recovery phase, and a deadline after the run, are both reported', () => {
    const text = EXAMPLE_YAML + 'phases: { chaosUntilSec: 15m, convergeWithinSec: 50m }\n';
    expect(errorsOf(text).map((e) => [e.code, e.path, e.found])).toEqual([
      // The outage (600 + 600 s) ends after chaos does (900 s); the rate limit (700 + 120) does not.
      ['VC_SCENARIO_WINDOW', 'faults[0].durationSec', '600 + 600 = 1200'],
      ['VC_SCENARIO_WINDOW', 'phases.convergeWithinSec', '900 + 3000 = 3900'],
    ]);
    const fine = EXAMPLE_YAML + 'phases: { chaosUntilSec: 20m, convergeWithinSec: 5m }\n';
    expect(parseScenario(fine, 'ok.yaml')).toMatchObject({ ok: true, scenario: { phases: { chaosUntilSec: 1200, convergeWithinSec: 300 } } });
  });
});

describe('expect.invariant', () => {
  test('a misspelled invariant is refused with the names there are and a suggestion', () => {
    const text = EXAMPLE_YAML + 'expect: { outcome: violated, invariant: exposre }\n';
    expect(onlyError(text)).toMatchObject({ path: 'expect.invariant', hint: 'did you mean "exposure"?', expected: expect.stringContaining('grossPerVenue') });
  });
});

describe('files that used to validate and then fail to run', () => {
  const SPOT = `name: spot
seed: 1
durationSec: 10m
market: { symbol: BTC/USD, priceStart: 60000 }
venues:
  - { id: k, dialect: kraken, balances: { USD: 100000, BTC: 1 } }
limits: { netBaseMax: 1, hedgeWithinSec: 30 }
`;

  test('a starting position on a spot venue is refused: coins are balances', () => {
    const text = replaceOnce(SPOT, 'balances: { USD: 100000, BTC: 1 } }', 'balances: { USD: 100000 }, positions: [{ symbol: BTC/USD, base: 1.5 }] }');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_VALUE', path: 'venues[0].positions', hint: expect.stringContaining('balances: { BTC: 1.5') });
  });

  test('a venue holding nothing it can trade with is refused, naming what it needs', () => {
    // Kraken is quoted in USD: the default USDT balance cannot buy anything there.
    const text = replaceOnce(SPOT, ', balances: { USD: 100000, BTC: 1 }', '');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_VALUE', path: 'venues[0].balances', message: 'venue k cannot trade BTC/USD: it holds no USD or BTC', hint: expect.stringContaining('USDT cannot be used') });
    const perp = replaceOnce(EXAMPLE_YAML, "{ id: backup,  dialect: binanceusdm, balances: { USDT: 250000 } }", "{ id: backup,  dialect: binanceusdm, balances: { USDC: 250000 } }");
    expect(onlyError(perp)).toMatchObject({ path: 'venues[1].balances', expected: 'a balance of USDT (the margin asset)' });
  });

  test('a market no dialect lists is refused even when every venue names its own instrument', () => {
    const text = replaceOnce(replaceOnce(SPOT, 'symbol: BTC/USD, priceStart', 'symbol: BTC/EUR, priceStart'), '{ id: k, dialect: kraken,', '{ id: k, dialect: kraken, symbol: BTC/USD,');
    expect(onlyError(text)).toMatchObject({ code: 'VC_SCENARIO_SYMBOL', path: 'market.symbol', found: '"BTC/EUR"' });
  });

  test('a run longer than the price path (7 days) is refused up front', () => {
    expect(onlyError(replaceOnce(EXAMPLE_YAML, 'durationSec: 3600', 'durationSec: 8d'))).toMatchObject({ path: 'durationSec' });
    expect(onlyError(replaceOnce(EXAMPLE_YAML, 'durationSec: 3600', 'durationSec: 605000'))).toMatchObject({ path: 'durationSec', expected: 'a number <= 604800' });
  });
});
