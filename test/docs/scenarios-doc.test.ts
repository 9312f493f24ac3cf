import { readFileSync } from 'node:fs';
import { normalize } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ExitCode } from '../../src/cli/exit-codes.ts';
import { DEFAULT_INVARIANTS } from '../../src/invariants/index.ts';
import { DIALECT_SYMBOLS, SCENARIO_ERROR_CODES, SYMBOLS, formatScenarioErrors, parseScenarioSet, scenarioSchema, type ParseOptions } from '../../src/scenario/index.ts';

/**
 * Keeps docs/scenarios.md honest against the code: its example scenarios load, its error example
 * prints what the loader prints, and every field, default, enum value, error code, exit code,
 * dialect and invariant the code knows is documented. A new schema field without docs fails here,
 * naming the field.
 *
 * Markers in the doc (first line of a fenced block):
 * - `# full scenario` — a ```yaml block that is a whole scenario file; it must load. May use
 *   `extends` on a block marked `# file: <path>`.
 * - `# file: <path>` — a ```yaml block that other blocks reach through `extends` (relative paths).
 * - `# runs` — a ```text block right after a full scenario: the names of its runs, in order.
 * - `# broken scenario` — a ```yaml block that must fail; the ```text block after it must contain
 *   exactly what `formatScenarioErrors` prints for it.
 */

const DOC_PATH = 'docs/scenarios.md';
const doc = readFileSync(DOC_PATH, 'utf8');

// ── The doc's fenced blocks ─────────────────────────────────────────────────────────────────

interface Block {
  lang: string;
  /** The block's text, every line followed by "\n" (as the file would be). */
  text: string;
  firstLine: string;
  /** 1-based line of the opening fence in the doc. */
  line: number;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  let open: { lang: string; line: number; body: string[] } | undefined;
  lines.forEach((line, i) => {
    const fence = /^```(\S*)\s*$/.exec(line);
    if (open === undefined) {
      if (fence !== null) open = { lang: fence[1] ?? '', line: i + 1, body: [] };
    } else if (line.trim() === '```') {
      blocks.push({ lang: open.lang, text: open.body.map((l) => `${l}\n`).join(''), firstLine: open.body[0]?.trim() ?? '', line: open.line });
      open = undefined;
    } else {
      open.body.push(line);
    }
  });
  if (open !== undefined) throw new Error(`${DOC_PATH}:${open.line}: a fenced block is never closed`);
  return blocks;
}

const blocks = fencedBlocks(doc);
const FULL = '# full scenario';
const BROKEN = '# broken scenario';
const RUNS = '# runs';
const FILE = /^# file: (\S+)$/;

const yamlBlocks = blocks.filter((b) => b.lang === 'yaml');
const fullBlocks = yamlBlocks.filter((b) => b.firstLine === FULL);
const baseFiles = new Map(yamlBlocks.flatMap((b) => (FILE.test(b.firstLine) ? [[normalize(FILE.exec(b.firstLine)![1]!), b.text] as const] : [])));

/** Bases named by `extends` in the doc's examples come from the doc's `# file:` blocks. */
const readFromDoc: NonNullable<ParseOptions['read']> = (path) => {
  const text = baseFiles.get(normalize(path));
  return text !== undefined ? { ok: true, text } : { ok: false, reason: `no \`# file: ${normalize(path)}\` block in ${DOC_PATH}` };
};

/** The block after `block`, when it is a ```text block. */
function textAfter(block: Block): Block | undefined {
  const next = blocks[blocks.indexOf(block) + 1];
  return next?.lang === 'text' ? next : undefined;
}

// ── The doc's field tables ──────────────────────────────────────────────────────────────────

interface FieldRow {
  name: string;
  /** "required", "optional", or "default <json>": how the doc's default column reads. */
  status: string;
  line: number;
}

/** Cells of a Markdown table row; `\|` inside a cell is not a separator. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Rows of every table whose header starts with "field" and has a "default" column. */
function fieldRows(markdown: string): FieldRow[] {
  const lines = markdown.split('\n');
  const rows: FieldRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
    const header = cells(lines[i]!);
    const defaultAt = header.indexOf('default');
    if (header[0] !== 'field' || defaultAt < 0) continue;
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('|'); j++) {
      const row = cells(lines[j]!);
      const name = /^`([^`]+)`/.exec(row[0] ?? '')?.[1] ?? `(unreadable field cell "${row[0]}")`;
      rows.push({ name, status: docStatus(row[defaultAt] ?? ''), line: j + 1 });
    }
  }
  return rows;
}

function docStatus(cell: string): string {
  if (cell.startsWith('required')) return 'required';
  if (cell.startsWith('—')) return 'optional';
  const code = /`([^`]*)`/.exec(cell)?.[1];
  return code !== undefined ? `default ${JSON.stringify(parse(code))}` : `unreadable default cell "${cell}"`;
}

// ── The schema's fields ─────────────────────────────────────────────────────────────────────

type Schema = z.ZodType;

/** Peels defaults, optionals, nullables and pipes (durations are pipes) down to the structural schema. */
function unwrap(schema: Schema): Schema {
  for (let depth = 0; depth < 32; depth++) {
    if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) schema = schema.unwrap() as Schema;
    else if (schema instanceof z.ZodPipe) schema = schema.in as Schema;
    else return schema;
  }
  return schema;
}

/** How a field behaves when left out: its default, optional, or required — read as the doc's default column. */
function schemaStatus(schema: Schema): string {
  for (let depth = 0; depth < 32; depth++) {
    if (schema instanceof z.ZodDefault) return `default ${JSON.stringify(schema.def.defaultValue)}`;
    if (schema instanceof z.ZodOptional) return 'optional';
    if (schema instanceof z.ZodPipe) schema = schema.in as Schema;
    else return 'required';
  }
  return 'required';
}

interface SchemaFields {
  /** Field name → how it behaves when left out, per place it occurs, and where (e.g. "faults[].probability"). */
  fields: Map<string, { statuses: Set<string>; paths: string[] }>;
  /** Every enum member and literal (dialects, fault kinds, modes, "reference"…). */
  values: Set<string>;
}

/** Walks the schema: objects' keys, arrays' elements, records' values, every member of a union. */
function schemaFields(root: Schema): SchemaFields {
  const out: SchemaFields = { fields: new Map(), values: new Set() };
  const walk = (schema: Schema, path: string): void => {
    const inner = unwrap(schema);
    if (inner instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(inner.shape as Record<string, Schema>)) {
        const at = path === '' ? key : `${path}.${key}`;
        const entry = out.fields.get(key) ?? { statuses: new Set<string>(), paths: [] };
        entry.statuses.add(schemaStatus(child));
        entry.paths.push(at);
        out.fields.set(key, entry);
        walk(child, at);
      }
    } else if (inner instanceof z.ZodArray) {
      walk(inner.element as Schema, `${path}[]`);
    } else if (inner instanceof z.ZodRecord) {
      walk(inner.valueType as Schema, `${path}{}`);
    } else if (inner instanceof z.ZodDiscriminatedUnion || inner instanceof z.ZodUnion) {
      for (const option of inner.options as readonly Schema[]) walk(option, path);
    } else if (inner instanceof z.ZodEnum) {
      for (const value of inner.options) out.values.add(String(value));
    } else if (inner instanceof z.ZodLiteral) {
      for (const value of inner.values) out.values.add(String(value));
    }
  };
  walk(root, '');
  return out;
}

const schema = schemaFields(scenarioSchema);
const mentions = (word: string): boolean => doc.includes(`\`${word}\``);
const hasRow = (start: string): boolean => doc.split('\n').some((line) => line.startsWith(start));

// ── Tests ───────────────────────────────────────────────────────────────────────────────────

describe('docs/scenarios.md examples', () => {
  test('opens with a full scenario, and marks at least three', () => {
    expect(yamlBlocks[0]?.firstLine).toBe(FULL);
    expect(fullBlocks.length).toBeGreaterThanOrEqual(3);
  });

  test.each(fullBlocks.map((b) => [b.line, b] as const))('the full scenario at line %i loads', (line, block) => {
    const file = `scenarios-md-line-${line}.yaml`;
    const result = parseScenarioSet(block.text, file, { read: readFromDoc });
    if (!result.ok) expect.fail(`the scenario at ${DOC_PATH}:${line} does not load:\n${formatScenarioErrors(result.errors)}`);
    const runs = textAfter(block);
    if (runs?.firstLine === RUNS) {
      const names = runs.text.split('\n').slice(1).filter((l) => l.trim() !== '');
      expect(result.runs.map((r) => r.name), `run names listed at ${DOC_PATH}:${runs.line}`).toEqual(names);
    }
  });

  test('the broken scenario fails with exactly the errors the doc prints', () => {
    const broken = yamlBlocks.filter((b) => b.firstLine === BROKEN);
    expect(broken).toHaveLength(1);
    const block = broken[0]!;
    const result = parseScenarioSet(block.text, 'first-try.yaml');
    if (result.ok) expect.fail(`the broken scenario at ${DOC_PATH}:${block.line} loads`);
    const printed = textAfter(block);
    expect(printed, `a \`\`\`text block after ${DOC_PATH}:${block.line}`).toBeDefined();
    expect(printed!.text).toContain(formatScenarioErrors(result.errors));
  });
});

describe('docs/scenarios.md covers the schema', () => {
  test('every field of the schema is mentioned as `fieldName`', () => {
    const missing = [...schema.fields].filter(([name]) => !mentions(name)).map(([name, f]) => `${name} (${f.paths.join(', ')})`);
    expect(missing, `fields in src/scenario/schema.ts that ${DOC_PATH} never mentions as \`name\``).toEqual([]);
  });

  test("every field's default in the doc's tables is the schema's (or required, or — for optional)", () => {
    const rows = fieldRows(doc);
    const problems: string[] = [];
    for (const row of rows) {
      if (!schema.fields.has(row.name)) problems.push(`${DOC_PATH}:${row.line}: \`${row.name}\` is not a field of the schema`);
    }
    for (const [name, field] of schema.fields) {
      const documented = new Set(rows.filter((r) => r.name === name).map((r) => r.status));
      const want = [...field.statuses].sort();
      const have = [...documented].sort();
      if (JSON.stringify(want) !== JSON.stringify(have)) {
        problems.push(`\`${name}\` (${field.paths.join(', ')}): the schema says ${want.join(' / ')}; the doc's field tables say ${have.join(' / ') || 'nothing (no row)'}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every enum value and literal is mentioned as `value`', () => {
    const missing = [...schema.values].filter((value) => !mentions(value));
    expect(missing, `values in src/scenario/schema.ts that ${DOC_PATH} never mentions`).toEqual([]);
  });

  test('the dialect table lists exactly the symbols each dialect serves', () => {
    for (const [dialect, symbols] of Object.entries(DIALECT_SYMBOLS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${dialect}\` |`));
      expect(row, `a row for dialect ${dialect}`).toBeDefined();
      const listed = SYMBOLS.filter((symbol) => row!.includes(`\`${symbol}\``));
      expect(listed.sort(), `symbols in the ${dialect} row`).toEqual([...symbols].sort());
    }
  });
});

describe('docs/scenarios.md covers errors, exit codes and invariants', () => {
  test('every scenario error code has a row', () => {
    const missing = Object.values(SCENARIO_ERROR_CODES).filter((code) => !hasRow(`| \`${code}\` |`));
    expect(missing, `codes in src/scenario/errors.ts without a row in ${DOC_PATH}`).toEqual([]);
  });

  test('every exit code has a row', () => {
    const missing = Object.entries(ExitCode).filter(([name, code]) => !hasRow(`| ${code} | ${name} |`));
    expect(missing, `exit codes in src/cli/exit-codes.ts without a row in ${DOC_PATH}`).toEqual([]);
  });

  test('every invariant a run checks has a row', () => {
    const missing = DEFAULT_INVARIANTS.map((i) => i.name).filter((name) => !hasRow(`| \`${name}\` |`));
    expect(missing, `invariants in src/invariants/index.ts without a row in ${DOC_PATH}`).toEqual([]);
  });
});
