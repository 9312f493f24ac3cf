import { describe, expect, test } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import { formatDuration, parseDuration } from '../../../src/scenario/index.ts';

describe('parseDuration', () => {
  test.each([
    ['90s', 90],
    ['10m', 600],
    ['2h', 7200],
    ['1h30m', 5400],
    ['500ms', 0.5],
    ['1h30m15s250ms', 5415.25],
    ['1.5h', 5400],
    ['0s', 0],
    [' 10m ', 600],
    ['1.005s', 1.005],
  ])('reads "%s" as %s seconds', (text, sec) => {
    expect(parseDuration(text)).toEqual({ ok: true, sec });
  });

  test.each(['', '10', '10x', '10 m', 'm', '-5s', '1m1h', '10m10m', '1.s', 'h1', '10S', '1d'])('rejects "%s" with a message', (text) => {
    const parsed = parseDuration(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('invalid duration');
  });

  test('explains an unknown unit and a missing unit', () => {
    expect(parseDuration('3d')).toMatchObject({ ok: false, hint: expect.stringContaining('unknown unit "d"') });
    expect(parseDuration('30')).toMatchObject({ ok: false, hint: expect.stringContaining('"30s"') });
    expect(parseDuration('10 m')).toMatchObject({ ok: false, hint: expect.stringContaining('without a space') });
  });

  test('formats whole milliseconds with the largest units first', () => {
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(0.5)).toBe('500ms');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(3661.001)).toBe('1h1m1s1ms');
  });

  propTest.prop([fc.integer({ min: 0, max: 10 * 365 * 86_400_000 })])('formatDuration and parseDuration round-trip any whole number of milliseconds', (ms) => {
    expect(parseDuration(formatDuration(ms / 1000))).toEqual({ ok: true, sec: ms / 1000 });
  });

  propTest.prop([fc.string({ maxLength: 20 })])('never throws, whatever the text', (text) => {
    const parsed = parseDuration(text);
    if (parsed.ok) expect(Number.isFinite(parsed.sec) && parsed.sec >= 0).toBe(true);
  });
});
