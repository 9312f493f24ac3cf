import { z } from 'zod';
import { closest } from './did-you-mean.ts';
import { describeFound, formatPath, SCENARIO_ERROR_CODES as CODES, typeName, type ScenarioError, type ScenarioErrorCode } from './errors.ts';
import type { Locate, Path } from './positions.ts';
import { fieldNotes, type FieldNote } from './schema.ts';

/**
 * Turns zod issues into ScenarioErrors: a stable code, the position of the offending node,
 * expected vs found, and a "did you mean" hint where a close match exists. Allowed keys and
 * field notes come from the schema itself (walked along the issue's path), so a new field or
 * fault kind needs no change here.
 */

interface IssueContext {
  root: z.ZodType;
  data: unknown;
  file: string;
  locate: Locate;
}

type Issue = z.core.$ZodIssue;

export function issueToErrors(issue: Issue, ctx: IssueContext): ScenarioError[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const at = (code: ScenarioErrorCode, where: Path, fields: Omit<ScenarioError, 'code' | 'file' | 'line' | 'column' | 'path'>, key = false): ScenarioError => ({
    code,
    file: ctx.file,
    ...ctx.locate(where, { key }),
    path: formatPath(where),
    ...withoutUndefined(fields),
  });
  const raw = valueAt(ctx.data, path);
  const schema = schemaAt(ctx.root, ctx.data, path);
  const note = noteOf(schema);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(schema, raw);
      return issue.keys.map((key) => {
        const suggestion = closest(key, allowed);
        return at(
          CODES.unknownKey,
          [...path, key],
          {
            message: `unknown key "${key}"`,
            expected: allowed.length > 0 ? `one of ${allowed.join(' | ')}` : undefined,
            found: JSON.stringify(key),
            hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : 'remove it; keys are case-sensitive and carry their unit (atSec, latencyMs)',
          },
          true,
        );
      });
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined) return [discriminatorError(issue, path, ctx, at)];
      // "One or a list" (market, a venue's symbol): when the data has one member's shape, that
      // member's complaints are the ones that help (a wrong priceStart, not "expected a list").
      const union = unwrap(schema);
      const shaped = union instanceof z.ZodUnion ? (union.options as z.ZodType[]).findIndex((option) => resolve(option, raw) === resolve(union, raw) && resolve(union, raw) !== union) : -1;
      const branch = shaped >= 0 ? issue.errors[shaped] : undefined;
      if (branch !== undefined && branch.length > 0) return branch.flatMap((inner) => issueToErrors({ ...inner, path: [...path, ...inner.path] } as Issue, ctx));
      return [unionError(issue, path, raw, note, at)];
    }
    case 'invalid_type': {
      if (raw === undefined) {
        const key = path[path.length - 1];
        return [
          at(CODES.missingKey, path, {
            message: `missing required key "${String(key)}"`,
            expected: note?.expected ?? expectedType(issue.expected),
            hint: missingHint(path),
          }),
        ];
      }
      const expected = note?.expected ?? expectedType(issue.expected);
      const foundWord = typeof raw === 'number' ? String(raw) : typeName(raw);
      return [at(CODES.type, path, { message: `expected ${expectedType(issue.expected)}, found ${foundWord}`, expected, found: describeFound(raw) })];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => String(v));
      const suggestion = typeof raw === 'string' ? closest(raw, options) : undefined;
      return [
        at(CODES.value, path, {
          message: `unknown ${String(path[path.length - 1] ?? 'value')}`,
          expected: `one of ${options.join(' | ')}`,
          found: describeFound(raw),
          hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : undefined,
        }),
      ];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? `${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}` : `${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
      const isCount = issue.origin === 'array' || issue.origin === 'set';
      const expected = isCount ? `${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(issue.code === 'too_small' ? issue.minimum : issue.maximum)} entr${Number(issue.code === 'too_small' ? issue.minimum : issue.maximum) === 1 ? 'y' : 'ies'}` : `a number ${bound}`;
      const negativeDuration = issue.code === 'too_small' && typeof raw === 'number' && raw < 0 && /Sec$/.test(String(path[path.length - 1]));
      return [
        at(CODES.value, path, {
          message: isCount ? `${issue.code === 'too_small' ? 'too few' : 'too many'} entries` : negativeDuration ? 'durations cannot be negative' : `out of range`,
          expected,
          found: isCount && Array.isArray(raw) ? `${raw.length} entries` : describeFound(raw),
        }),
      ];
    }
    case 'invalid_format': {
      const expected = note?.expected ?? (issue.format === 'regex' && 'pattern' in issue ? `a string matching ${String(issue.pattern)}` : `a ${issue.format}`);
      const suggestion = typeof raw === 'string' ? closest(raw, unionLiterals(schema)) : undefined;
      const hint = suggestion !== undefined ? `did you mean "${suggestion}"?` : caseHint(raw, expected);
      return [at(CODES.value, path, { message: `invalid ${String(path[path.length - 1] ?? 'value')}`, expected, found: describeFound(raw), hint })];
    }
    case 'invalid_key': {
      // Record keys (asset codes): the path ends with the key itself.
      const key = path[path.length - 1];
      const keyNote = issue.issues[0];
      const expected = keyNote?.code === 'invalid_format' ? recordKeyExpected(schemaAt(ctx.root, ctx.data, path.slice(0, -1))) : undefined;
      const upper = typeof key === 'string' ? key.toUpperCase() : undefined;
      return [at(CODES.value, path, { message: 'invalid key', expected, found: JSON.stringify(key), hint: upper !== undefined && upper !== key ? `did you mean "${upper}"?` : undefined }, true)];
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { vcCode?: ScenarioErrorCode; expected?: string; hint?: string };
      return [at(params.vcCode ?? CODES.value, path, { message: issue.message, expected: params.expected, found: describeFound(raw), hint: params.hint })];
    }
    default:
      return [at(CODES.value, path, { message: issue.message, found: describeFound(raw) })];
  }
}

function discriminatorError(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: Path,
  ctx: IssueContext,
  at: (code: ScenarioErrorCode, where: Path, fields: Omit<ScenarioError, 'code' | 'file' | 'line' | 'column' | 'path'>) => ScenarioError,
): ScenarioError {
  const discriminator = issue.discriminator ?? 'kind';
  // zod v4 puts the discriminator at the end of the path; older builds did not.
  const keyPath = path[path.length - 1] === discriminator ? path : [...path, discriminator];
  const unionPath = keyPath.slice(0, -1);
  const unionSchema = schemaAt(ctx.root, ctx.data, unionPath);
  const noun = noteOf(unionSchema)?.noun ?? 'entry';
  const options = discriminatorValues(unionSchema, discriminator);
  const value = valueAt(ctx.data, keyPath);
  const container = valueAt(ctx.data, unionPath);
  if (container === null || typeof container !== 'object' || Array.isArray(container)) {
    return at(CODES.type, unionPath, { message: `expected a ${noun} (a mapping with ${discriminator}:), found ${typeName(container)}`, expected: `a mapping with ${discriminator}: one of ${options.join(' | ')}`, found: describeFound(container) });
  }
  if (value === undefined) {
    return at(CODES.missingKey, keyPath, { message: `${noun} has no ${discriminator}`, expected: `one of ${options.join(' | ')}`, hint: `add ${discriminator}: to ${formatPath(unionPath)}` });
  }
  const suggestion = typeof value === 'string' ? closest(value, options) : undefined;
  return at(CODES.value, keyPath, {
    message: `unknown ${noun} ${discriminator}`,
    expected: `one of ${options.join(' | ')}`,
    found: describeFound(value),
    hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : undefined,
  });
}

function unionError(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: Path,
  raw: unknown,
  note: FieldNote | undefined,
  at: (code: ScenarioErrorCode, where: Path, fields: Omit<ScenarioError, 'code' | 'file' | 'line' | 'column' | 'path'>) => ScenarioError,
): ScenarioError {
  const branches = issue.errors;
  // A branch whose every complaint is about the value (not the type) means the type was right.
  const typeMatched = branches.some((branch) => branch.length > 0 && branch.every((i) => i.code !== 'invalid_type' && i.code !== 'invalid_value'));
  const literals = branches.flatMap((branch) => branch.flatMap((i) => (i.code === 'invalid_value' ? i.values.map((v) => String(v)) : [])));
  const expectedTypes = [...new Set(branches.flatMap((branch) => branch.flatMap((i) => (i.code === 'invalid_type' ? [expectedType(i.expected)] : []))))];
  const expected = note?.expected ?? (expectedTypes.length > 0 ? expectedTypes.join(' or ') : undefined);
  const suggestion = typeof raw === 'string' ? closest(raw, literals) : undefined;
  if (raw === undefined) {
    return at(CODES.missingKey, path, { message: `missing required key "${String(path[path.length - 1])}"`, expected, hint: missingHint(path) });
  }
  return at(typeMatched || typeof raw === 'string' ? CODES.value : CODES.type, path, {
    message: typeMatched || typeof raw === 'string' ? `invalid ${String(path[path.length - 1] ?? 'value')}` : `wrong type: found ${typeName(raw)}`,
    expected,
    found: describeFound(raw),
    hint: suggestion !== undefined ? `did you mean "${suggestion}"?` : undefined,
  });
}

// ── Walking the schema along a data path ─────────────────────────────────────────────────────

/** The schema that validates the value at `path`, resolving discriminated unions by the data. */
export function schemaAt(root: z.ZodType, data: unknown, path: Path): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  let value: unknown = data;
  for (const segment of path) {
    schema = resolve(schema, value);
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[segment] : undefined;
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(segment)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return undefined;
  }
  return schema;
}

/** Peels defaults, optionals and pipes (and picks a union member by the data) down to the structural schema. */
function resolve(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodDiscriminatedUnion) return unwrap(pickMember(inner, value));
  // "One or a list" (market, a venue's symbol): the member of the data's shape.
  if (inner instanceof z.ZodUnion) {
    const shaped = (inner.options as z.ZodType[]).map(unwrap).find((option) => (Array.isArray(value) ? option instanceof z.ZodArray : value !== null && typeof value === 'object' ? option instanceof z.ZodObject || option instanceof z.ZodRecord : false));
    if (shaped !== undefined) return shaped;
  }
  return inner;
}

function pickMember(union: z.ZodDiscriminatedUnion, value: unknown): z.ZodType | undefined {
  const discriminator = union.def.discriminator;
  const tag = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[discriminator] : undefined;
  return (union.options as z.ZodType[]).find((option) => option instanceof z.ZodObject && literalValues(option.shape[discriminator]).includes(tag));
}

/** Literal members of a union ("reference" in `"reference" | path`), for "did you mean" on a near miss. */
function unionLiterals(schema: z.ZodType | undefined): string[] {
  const union = unwrap(schema);
  if (!(union instanceof z.ZodUnion)) return [];
  return (union.options as z.ZodType[]).flatMap((option) => literalValues(option).map(String));
}

function missingHint(path: Path): string {
  return `add ${String(path[path.length - 1])}: under ${path.length > 1 ? formatPath(path.slice(0, -1)) : 'the top level'}`;
}

/** Peels defaults, optionals, nullables and pipes (bounded: a schema nests far fewer than 32). */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  for (let depth = 0; depth < 32; depth++) {
    if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) schema = schema.unwrap() as z.ZodType;
    else if (schema instanceof z.ZodPipe) schema = schema.in as z.ZodType;
    else return schema;
  }
  return schema;
}

function discriminatorValues(schema: z.ZodType | undefined, discriminator: string): string[] {
  const union = unwrap(schema);
  if (!(union instanceof z.ZodDiscriminatedUnion)) return [];
  return (union.options as z.ZodType[]).flatMap((option) => (option instanceof z.ZodObject ? literalValues(option.shape[discriminator]).map(String) : []));
}

function literalValues(schema: unknown): unknown[] {
  return schema instanceof z.ZodLiteral ? [...schema.values] : [];
}

function allowedKeys(schema: z.ZodType | undefined, value: unknown): string[] {
  const object = resolve(schema, value);
  return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

/** The first field note on the way from `schema` through its wrappers. */
function noteOf(schema: z.ZodType | undefined): FieldNote | undefined {
  for (let depth = 0; depth < 32 && schema !== undefined; depth++) {
    const note = fieldNotes.get(schema);
    if (note !== undefined) return note;
    if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) schema = schema.unwrap() as z.ZodType;
    else if (schema instanceof z.ZodPipe) schema = schema.in as z.ZodType;
    else return undefined;
  }
  return undefined;
}

function recordKeyExpected(schema: z.ZodType | undefined): string | undefined {
  const record = resolve(schema, undefined);
  return record instanceof z.ZodRecord ? noteOf(record.keyType as z.ZodType)?.expected : undefined;
}

// ── Small helpers ───────────────────────────────────────────────────────────────────────────

export function valueAt(data: unknown, path: Path): unknown {
  let cur: unknown = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function expectedType(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    default:
      return expected;
  }
}

function caseHint(raw: unknown, expected: string): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (/lower-case|kebab-case/.test(expected) && raw !== raw.toLowerCase()) return `did you mean "${raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}"?`;
  if (/kebab-case/.test(expected) && /[^a-z0-9-]/.test(raw)) return `did you mean "${raw.replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '')}"?`;
  return undefined;
}

function withoutUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}
