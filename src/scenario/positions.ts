import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/**
 * Maps a field path to a 1-based line/column in the source text, using the YAML node ranges.
 * A path that does not exist (a missing key) resolves to its nearest existing ancestor, so the
 * error points at the mapping that lacks the key.
 */

export type Path = ReadonlyArray<string | number>;
export interface Position {
  line: number;
  column: number;
}
/** Where a field path was written; `file` when it may be another file than the one loaded (a base, via `extends`). */
export type Locate = (path: Path, options?: { key?: boolean }) => Position & { file?: string };

/** A locator bound to one parsed document. With `key: true` the last segment points at the key, not its value. */
export function createLocator(doc: Document, lineCounter: LineCounter): Locate {
  return (path, options = {}) => {
    for (let n = path.length; n >= 0; n--) {
      const offset = offsetOf(doc, path.slice(0, n), options.key === true && n === path.length);
      if (offset !== undefined) {
        const pos = lineCounter.linePos(offset);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 1, column: 1 };
  };
}

function offsetOf(doc: Document, path: Path, key: boolean): number | undefined {
  if (path.length === 0) return (doc.contents as Node | null)?.range?.[0];
  const parent = nodeAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last || (isScalar(p.key) && String(p.key.value) === String(last)));
    if (pair === undefined) return undefined;
    const target = key || pair.value === null ? pair.key : pair.value;
    return (target as Node | null)?.range?.[0];
  }
  if (isSeq(parent) && typeof last === 'number') return (parent.items[last] as Node | undefined)?.range?.[0];
  return undefined;
}

function nodeAt(doc: Document, path: Path): unknown {
  return path.length === 0 ? doc.contents : doc.getIn(path, true);
}
