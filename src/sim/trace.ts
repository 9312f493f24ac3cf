import { createHash } from 'node:crypto';

/**
 * The run's event log: everything that happened, with virtual timestamps, in the order it
 * happened. It is the ground truth the invariants read and the thing whose hash proves
 * determinism, so it records no wall-clock values.
 */

/** Every event carries these; the rest depends on `type`. */
export interface TraceEventBase {
  /** Sequence number, from 0. */
  seq: number;
  /** Virtual milliseconds since the run started. */
  tMs: number;
  type: string;
  venue?: string;
}

export type TraceEvent = TraceEventBase & Record<string, unknown>;

/** Canonical JSON: keys sorted at every level, so the hash does not depend on insertion order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export class Trace {
  readonly events: TraceEvent[] = [];
  readonly #startMs: number;
  readonly #now: () => number;
  readonly #listeners: Array<(event: TraceEvent) => void> = [];

  constructor(opts: { startMs: number; now: () => number }) {
    this.#startMs = opts.startMs;
    this.#now = opts.now;
  }

  /** Virtual ms since the run started. */
  elapsedMs(): number {
    return this.#now() - this.#startMs;
  }

  record(type: string, data: Record<string, unknown> = {}): TraceEvent {
    // `seq`, `tMs` and `type` belong to the trace: a field of the same name would silently replace them.
    if ('type' in data || 'seq' in data || 'tMs' in data) throw new Error(`venuechaos bug: trace event ${type} carries a reserved field (type, seq or tMs)`);
    const event: TraceEvent = { seq: this.events.length, tMs: this.elapsedMs(), type, ...data };
    this.events.push(event);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  onEvent(listener: (event: TraceEvent) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** One canonical JSON line per event. */
  toNdjson(): string {
    let out = '';
    for (const event of this.events) out += canonicalJson(event) + '\n';
    return out;
  }

  /** sha256 of the NDJSON form, hex. Same scenario and seed → same hash. */
  hash(): string {
    const h = createHash('sha256');
    for (const event of this.events) h.update(canonicalJson(event) + '\n');
    return h.digest('hex');
  }
}
