/**
 * OKX identifiers from the engine's counters. The engine numbers orders and trades 1, 2, 3…;
 * OKX's are large integers in strings (`ordId` "2896576259728695296", 19 digits — beyond 2^53,
 * the float trap a bot parsing them as numbers falls into in production). Each id is a fixed
 * offset from the engine's, so the mapping is deterministic and reversible without a table.
 */

/** ordId = ORD_ID_BASE + engine order id. */
export const ORD_ID_BASE = 2_896_576_259_728_000_000n;
/**
 * Orders that exist only in the dialect (post-only orders OKX accepts and cancels at once, see
 * routes.ts) are numbered from here, far above any engine order id.
 */
export const LOCAL_ORD_ID_BASE = ORD_ID_BASE + 1_000_000_000_000n;
/** tradeId = TRADE_ID_BASE + engine trade id (OKX trade ids are 8–9 digits). */
export const TRADE_ID_BASE = 380_000_000n;
/** billId = BILL_ID_BASE + engine trade id (one bill per fill). */
export const BILL_ID_BASE = 2_896_576_259_900_000_000n;
/** posId = POS_ID_BASE + the instrument's index (one net position per instrument). */
export const POS_ID_BASE = 653_944_598_162_657_280n;

const DIGITS = /^[0-9]{1,20}$/;

export const ordIdOf = (engineOrderId: string): string => String(ORD_ID_BASE + BigInt(engineOrderId));
export const tradeIdOf = (engineTradeId: string): string => String(TRADE_ID_BASE + BigInt(engineTradeId));
export const billIdOf = (engineTradeId: string): string => String(BILL_ID_BASE + BigInt(engineTradeId));
export const posIdOf = (index: number): string => String(POS_ID_BASE + BigInt(index));

/** The engine's order id behind an `ordId`, or undefined when it cannot be one of this venue's orders. */
export function engineOrderIdOf(ordId: string): string | undefined {
  if (!DIGITS.test(ordId)) return undefined;
  const n = BigInt(ordId) - ORD_ID_BASE;
  return n > 0n && BigInt(ordId) < LOCAL_ORD_ID_BASE ? String(n) : undefined;
}

/** The engine's trade id behind a `billId` (pagination cursors of fills-history), or undefined. */
export function engineTradeIdOfBill(billId: string): bigint | undefined {
  if (!DIGITS.test(billId)) return undefined;
  const n = BigInt(billId) - BILL_ID_BASE;
  return n > 0n ? n : undefined;
}
