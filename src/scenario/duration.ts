/**
 * Human durations for every `*Sec` field of a scenario: a number of seconds, or a string of
 * number+unit parts from the largest unit down — "90s", "10m", "1h30m", "2h", "500ms", "1.5h".
 * Pure: no I/O.
 */

/** What a duration string must look like; shown to the user when one does not parse. */
export const DURATION_FORMAT = 'seconds as a number, or a string of number+unit parts (h, m, s, ms) from the largest unit down, e.g. "90s", "10m", "1h30m", "500ms"';

export type DurationParse = { ok: true; sec: number } | { ok: false; message: string; hint?: string };

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNIT_ORDER: readonly Unit[] = ['h', 'm', 's', 'ms'];
// `ms` must be tried before `m`, hence the alternation order.
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
// Parts at most this many (h, m, s, ms): a limit on the loop, not a user-facing rule.
const PARTS_MAX = UNIT_ORDER.length;

/**
 * Parses a duration string into seconds. Never throws.
 *
 * @example
 * parseDuration('1h30m') // { ok: true, sec: 5400 }
 * parseDuration('500ms') // { ok: true, sec: 0.5 }
 * parseDuration('10x')   // { ok: false, message: 'invalid duration "10x"', hint: ... }
 */
export function parseDuration(text: string): DurationParse {
  const trimmed = text.trim();
  const invalid = (hint?: string): DurationParse => (hint === undefined ? { ok: false, message: `invalid duration ${JSON.stringify(text)}` } : { ok: false, message: `invalid duration ${JSON.stringify(text)}`, hint });
  if (trimmed === '') return invalid();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return invalid(`write a plain number of seconds without quotes (${trimmed}) or add a unit ("${trimmed}s")`);
  if (trimmed.startsWith('-')) return invalid('durations cannot be negative');

  let totalMs = 0;
  let lastUnitIndex = -1;
  let offset = 0;
  for (let numParts = 0; offset < trimmed.length; numParts++) {
    if (numParts >= PARTS_MAX) return invalid('use each unit at most once: h, then m, then s, then ms');
    PART.lastIndex = offset;
    const match = PART.exec(trimmed);
    if (match === null) return invalid(unitHint(trimmed.slice(offset)));
    const unit = match[2] as Unit;
    const unitIndex = UNIT_ORDER.indexOf(unit);
    if (unitIndex <= lastUnitIndex) return invalid('use each unit at most once: h, then m, then s, then ms');
    lastUnitIndex = unitIndex;
    // Rounded to a nanosecond so "1.005s" is 1005 ms, not 1004.9999999999999.
    totalMs += Math.round(Number(match[1]) * UNIT_MS[unit] * 1e6) / 1e6;
    offset = PART.lastIndex;
  }
  return { ok: true, sec: totalMs / 1000 };
}

/** Formats seconds as the shortest duration string that parses back to the same number. */
export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) throw new RangeError(`formatDuration expects seconds >= 0, got ${sec}`);
  let ms = Math.round(sec * 1000);
  if (ms / 1000 !== sec) return `${sec}s`;
  if (ms === 0) return '0s';
  let out = '';
  for (const unit of UNIT_ORDER) {
    const n = Math.floor(ms / UNIT_MS[unit]);
    if (n > 0) out += `${n}${unit}`;
    ms -= n * UNIT_MS[unit];
  }
  return out;
}

function unitHint(rest: string): string | undefined {
  const unit = /^\d+(?:\.\d+)?\s*([A-Za-z]+)/.exec(rest)?.[1];
  if (unit === undefined) return undefined;
  if (/^\d+(?:\.\d+)?\s+[A-Za-z]/.test(rest)) return 'write the number and unit without a space, e.g. "10m"';
  return `unknown unit "${unit}"; units are h, m, s and ms`;
}
