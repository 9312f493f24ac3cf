/** One stretch of time a quantity spent over its limit, on one key (a venue, the desk). */
export interface Stretch<S> {
  key: string;
  /** The first sample over the limit, and when it was taken (virtual ms since the run started). */
  startMs: number;
  first: S;
  /** The highest sample of the stretch. */
  peak: S;
  /** When a sample within the limit ended it; undefined when the run ended with it still over. */
  endMs: number | undefined;
  /** Every sample of the stretch, in order (only with `keepSamples`). */
  samples?: S[];
}

/**
 * Cuts samples (in time order; each holds until the next one of its key) into stretches over a
 * limit, per key: a stretch opens at the first sample over and closes at the next sample within.
 * One stretch is one violation, whatever happens inside it.
 */
export function stretchesOver<S>(
  samples: Iterable<{ key: string; tMs: number; sample: S }>,
  opts: { isOver: (sample: S) => boolean; isHigher: (a: S, b: S) => boolean; keepSamples?: boolean },
): Stretch<S>[] {
  const stretches: Stretch<S>[] = [];
  const open = new Map<string, Stretch<S>>();
  for (const { key, tMs, sample } of samples) {
    const current = open.get(key);
    if (!opts.isOver(sample)) {
      if (current !== undefined) {
        current.endMs = tMs;
        open.delete(key);
      }
    } else if (current === undefined) {
      const stretch: Stretch<S> = { key, startMs: tMs, first: sample, peak: sample, endMs: undefined, ...(opts.keepSamples === true ? { samples: [sample] } : {}) };
      stretches.push(stretch);
      open.set(key, stretch);
    } else {
      current.samples?.push(sample);
      if (opts.isHigher(sample, current.peak)) current.peak = sample;
    }
  }
  return stretches;
}
