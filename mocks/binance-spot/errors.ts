import { BINANCE_ERRORS, type BinanceError } from '../binance/errors.ts';
import type { VenueRejection } from '../../src/venue/types.ts';

/**
 * Binance spot error payloads, code and message as the spot API sends them
 * (https://developers.binance.com/docs/binance-spot-api-docs/errors). Spot differs from USDⓈ-M:
 * filter failures are `-1013 "Filter failure: <FILTER>"`, order rejections are
 * `-2010 NEW_ORDER_REJECTED` with a message from the "Messages for -1010, -2010, -2011" list, and
 * ccxt matches several of those messages before it looks at the code (reference §2.3). The shared
 * ones (auth, symbol, parameters) come from ../binance/errors.ts.
 */

const err = (status: number, code: number, msg: string): BinanceError => ({ status, code, msg });

export const SPOT_ERRORS = {
  ...BINANCE_ERRORS,
  /** ccxt: message match → InsufficientFunds. */
  insufficientBalance: err(400, -2010, 'Account has insufficient balance for requested action.'),
  duplicateOrder: err(400, -2010, 'Duplicate order sent.'),
  /** LIMIT_MAKER that would take; ccxt: message match → OrderImmediatelyFillable. */
  wouldTake: err(400, -2010, 'Order would immediately match and take.'),
  /** A symbol not trading; ccxt: message match → MarketClosed (reference §2.3, A.binance "spot 400 -2010 Market is closed."). */
  marketClosed: err(400, -2010, 'Market is closed.'),
  /** An order type the symbol's trading phase does not allow; ccxt: message match → BadRequest. */
  notInThisPhase: err(400, -2010, 'This order type is not possible in this trading phase.'),
  /** ccxt: message match → PermissionDenied. */
  symbolRestricted: err(400, -2010, 'This symbol is restricted for this account.'),
  quantityInvalid: err(400, -1013, 'Invalid quantity.'),
  priceInvalid: err(400, -1013, 'Invalid price.'),
  lotSize: err(400, -1013, 'Filter failure: LOT_SIZE'),
  marketLotSize: err(400, -1013, 'Filter failure: MARKET_LOT_SIZE'),
  priceFilter: err(400, -1013, 'Filter failure: PRICE_FILTER'),
  notional: err(400, -1013, 'Filter failure: NOTIONAL'),
  /** Spot answers a backend timeout with a 5xx (rest-api.md: 5XX = execution status unknown). ccxt: -1007 → RequestTimeout. */
  executionStatusUnknown: err(503, -1007, 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.'),
  /** Spot's documented internal error (-1001 DISCONNECTED); ccxt → OperationFailed (not a NetworkError, reference §7.2). */
  internalError: err(503, -1001, 'Internal error; unable to process your request. Please try again.'),
  quantityOrQuoteMissing: err(400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty!"),
} as const;

/** `-1104`: spot reads only the parameters it knows (e.g. futures' `reduceOnly`). */
export const notAllParamsRead = (read: number, sent: number): BinanceError =>
  err(400, -1104, `Not all sent parameters were read; read '${read}' parameter(s) but was sent '${sent}'.`);

/** `-1003` for the RAW_REQUESTS limit. */
export const rawRequestsMsg = (limit: number, interval: string): string => `Too many requests; current limit is ${limit} requests per ${interval}.`;

/**
 * Engine rejection → spot error for an order placement. `invalidQuantity`/`invalidPrice` are
 * refined by the caller (which filter failed).
 */
export function placeRejection(reason: VenueRejection): BinanceError {
  switch (reason) {
    case 'unknownSymbol':
      return SPOT_ERRORS.invalidSymbol;
    case 'duplicateClientOrderId':
      return SPOT_ERRORS.duplicateOrder;
    case 'insufficientBalance':
    // A spot market never margins; should the engine say so anyway, the spot words are the same.
    case 'insufficientMargin':
      return SPOT_ERRORS.insufficientBalance;
    case 'postOnlyWouldTake':
      return SPOT_ERRORS.wouldTake;
    case 'notionalTooSmall':
      return SPOT_ERRORS.notional;
    case 'invalidQuantity':
      return SPOT_ERRORS.lotSize;
    case 'invalidPrice':
      return SPOT_ERRORS.priceFilter;
    // The gateway never forwards reduceOnly (-1104 first); kept total for the compiler.
    case 'reduceOnlyNotSupported':
    case 'reduceOnlyRejected':
      return notAllParamsRead(0, 1);
    case 'orderNotFound':
    case 'orderNotCancelable':
      return SPOT_ERRORS.unknownOrderSent;
  }
}

/** Engine rejection → spot error for a cancel (-2011 for unknown and for already-final orders). */
export function cancelRejection(reason: VenueRejection): BinanceError {
  return reason === 'unknownSymbol' ? SPOT_ERRORS.invalidSymbol : SPOT_ERRORS.unknownOrderSent;
}
