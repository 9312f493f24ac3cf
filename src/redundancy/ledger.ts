import type { PolicyView } from './policy.ts';

/**
 * The exposure ledger (issue 6): what the engine believes the desk holds on each venue, from its
 * own books, and the orders whose outcome it does not know yet.
 *
 * - Booked positions per venue (a perp position, or on a spot venue the base coins held), in base
 *   units: moved by acknowledged fills (`bookFill`), by unknown orders once settled by a lookup
 *   (`settle`), and by reconciliation reads the ledger adopts (`reconcile`).
 * - Unknown orders (venue, client order id, signed quantity): sent, but neither acknowledged nor
 *   refused. They count nowhere in `net` — the engine resolves them by client order id before their
 *   quantity counts either way — and widen `worstCase` into the interval between "none of them
 *   filled" and "each filled fully", so a hedge never covers a quantity that is only over the limit
 *   if an unknown order did not fill.
 *
 * Never double-hedges by itself: settling an unknown order books its fill once and forgets it; a
 * read that disagrees with acknowledged fills is adopted only when several reads in a row, with no
 * trading of ours in between, say the same (a lagging read must not undo a fill we know happened).
 *
 * Pure: no clock, no I/O, no ccxt; callers pass times and quantities.
 *
 * @example
 * const ledger = new ExposureLedger(['primary', 'backup']);
 * ledger.bookFill('primary', -2);
 * const u = ledger.addUnknown({ venueId: 'backup', clientOrderId: 'vcbackup2', signedBase: -0.5, sinceMs: now });
 * ledger.worstCase(2.5); // { min: 0, max: 0.5 }
 * ledger.settle(u, 0.5); // the lookup said it filled: net 0
 */

export interface UnknownOrder {
  venueId: string;
  clientOrderId: string;
  /** What the order would trade if it filled fully, signed (+ buys), base units. */
  signedBase: number;
  sinceMs: number;
  /** Its quantity has been hedged elsewhere on the assumption that it did not execute. */
  coveredElsewhere: boolean;
}

/** Net exposure (inventory + every venue) if each unknown order filled fully or not at all, base units. */
export interface ExposureInterval {
  min: number;
  max: number;
}

/** What a reconciliation read did to the ledger, for the engine's log. */
export type ReconcileOutcome =
  /** The read agrees with the booked position. */
  | { kind: 'agrees' }
  /** Adopted: nothing of ours traded there yet (`untraded`), or enough reads in a row said the same (`confirmed`). */
  | { kind: 'adopted'; why: 'untraded' | 'confirmed'; wasBase: number; reads: number }
  /** Kept the booked position: the read may lag behind our fills (`reads` of `readsToAdopt` so far). */
  | { kind: 'kept'; bookedBase: number; reads: number; readsToAdopt: number };

export interface LedgerOptions {
  /** Consecutive agreeing reads, with no trading of ours in between, before a read that disagrees with our fills is adopted. */
  discrepancyReadsToAdopt: number;
}

const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;

interface VenueBook {
  positionBase: number;
  /** Counts fills of ours learned of on the venue (acknowledged or looked up): a read must not straddle one. */
  ownFillSeq: number;
  /** A read that disagreed with the booked position, and how many reads in a row said the same. */
  discrepancy: { positionBase: number; reads: number; ownFillSeq: number } | undefined;
}

export class ExposureLedger {
  private readonly books = new Map<string, VenueBook>();
  private readonly pending: UnknownOrder[] = [];
  private readonly opts: LedgerOptions;

  constructor(venueIds: readonly string[], opts: Partial<LedgerOptions> = {}) {
    this.opts = { discrepancyReadsToAdopt: 3, ...opts };
    for (const id of venueIds) this.books.set(id, { positionBase: 0, ownFillSeq: 0, discrepancy: undefined });
  }

  /** The booked position on a venue (0 for a venue the ledger does not know). */
  positionOf(venueId: string): number {
    return this.books.get(venueId)?.positionBase ?? 0;
  }

  /** Net exposure as booked: inventory + every venue's position; unknown orders count nowhere. */
  net(inventoryBase: number): number {
    let sum = inventoryBase;
    for (const b of this.books.values()) sum += b.positionBase;
    return round8(sum);
  }

  /**
   * The net exposure interval over the outcomes of the unknown orders (each filled fully, or not
   * at all): `net` plus every unknown buy at the top, every unknown sell at the bottom.
   */
  worstCase(inventoryBase: number): ExposureInterval {
    const net = this.net(inventoryBase);
    let up = 0;
    let down = 0;
    for (const u of this.pending) {
      if (u.signedBase > 0) up += u.signedBase;
      else down += u.signedBase;
    }
    return { min: round8(net + down), max: round8(net + up) };
  }

  /** An acknowledged fill of ours (signed base) on a venue. */
  bookFill(venueId: string, signedBase: number): void {
    const b = this.book(venueId);
    b.positionBase = round8(b.positionBase + signedBase);
    if (signedBase !== 0) b.ownFillSeq += 1;
  }

  /** An order sent whose outcome is unknown (timeout, reset, 5xx…): kept until settled. */
  addUnknown(order: Omit<UnknownOrder, 'coveredElsewhere'>): UnknownOrder {
    const u: UnknownOrder = { ...order, coveredElsewhere: false };
    this.pending.push(u);
    return u;
  }

  /** The unknown orders, oldest first (all, or on one venue). */
  unknowns(venueId?: string): readonly UnknownOrder[] {
    return venueId === undefined ? [...this.pending] : this.pending.filter((u) => u.venueId === venueId);
  }

  hasUnknown(venueId?: string): boolean {
    return this.pending.some((u) => venueId === undefined || u.venueId === venueId);
  }

  /**
   * An unknown order's outcome is known (a lookup by client order id): `filledBase` (unsigned, base
   * units; 0 when it never reached the venue) counts from now on, in the order's direction, once.
   * Returns the signed base booked.
   */
  settle(u: UnknownOrder, filledBase: number): number {
    const at = this.pending.indexOf(u);
    if (at < 0) throw new Error(`venuechaos bug: unknown order ${u.clientOrderId} on ${u.venueId} settled twice`);
    this.pending.splice(at, 1);
    const signed = round8(Math.abs(filledBase) * Math.sign(u.signedBase)) || 0; // never -0
    this.bookFill(u.venueId, signed);
    return signed;
  }

  /**
   * A position read from the venue (signed base). Adopted at once while nothing of ours has traded
   * there; otherwise only after `discrepancyReadsToAdopt` reads in a row with no fill of ours in
   * between say the same.
   */
  reconcile(venueId: string, readBase: number): ReconcileOutcome {
    const b = this.book(venueId);
    const signed = round8(readBase) || 0;
    if (signed === round8(b.positionBase)) {
      b.discrepancy = undefined;
      return { kind: 'agrees' };
    }
    if (b.ownFillSeq === 0) {
      const wasBase = b.positionBase;
      b.positionBase = signed;
      return { kind: 'adopted', why: 'untraded', wasBase, reads: 1 };
    }
    const d = b.discrepancy;
    const reads = d !== undefined && d.positionBase === signed && d.ownFillSeq === b.ownFillSeq ? d.reads + 1 : 1;
    if (reads >= this.opts.discrepancyReadsToAdopt) {
      const wasBase = b.positionBase;
      b.positionBase = signed;
      b.discrepancy = undefined;
      return { kind: 'adopted', why: 'confirmed', wasBase, reads };
    }
    b.discrepancy = { positionBase: signed, reads, ownFillSeq: b.ownFillSeq };
    return { kind: 'kept', bookedBase: b.positionBase, reads, readsToAdopt: this.opts.discrepancyReadsToAdopt };
  }

  /** The ledger as a `PolicyView`: booked positions and the net they give; unknown orders count nowhere. */
  view(inventoryBase: number): PolicyView {
    const byVenue: Record<string, number> = {};
    for (const [id, b] of this.books) byVenue[id] = b.positionBase;
    return { netBase: this.net(inventoryBase), byVenue };
  }

  private book(venueId: string): VenueBook {
    let b = this.books.get(venueId);
    if (b === undefined) {
      b = { positionBase: 0, ownFillSeq: 0, discrepancy: undefined };
      this.books.set(venueId, b);
    }
    return b;
  }
}
