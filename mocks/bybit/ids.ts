/**
 * Bybit's derivatives order ids and execution ids are UUIDs ("b719e004-0846-4b58-8405-a307133c5146"),
 * not the venue engine's counters ("1", "2", …). The dialect spells each engine id as a fixed,
 * reversible UUID so that ids stay deterministic and a client that assumes numeric ids (a real
 * trap when moving a desk from Binance to Bybit) fails here as it would in production.
 *
 * Layout: `<kind:8 hex>-0000-4000-8000-<counter:12 decimal digits>`; the kind tells orders,
 * executions and the dialect's own canceled post-only orders apart.
 */

export type IdKind = 'order' | 'execution' | 'postOnlyCanceled';

const KIND_PREFIX: Record<IdKind, string> = {
  order: '0b0000e1',
  execution: '0e0000c1',
  postOnlyCanceled: '0b00c0a1',
};

const ID_PATTERN = /^([0-9a-f]{8})-0000-4000-8000-([0-9]{12})$/;

/** The UUID spelling of engine id `n` ("7") of a kind. */
export function uuidOf(kind: IdKind, n: string): string {
  if (!/^[0-9]{1,12}$/.test(n)) throw new Error(`venuechaos bybit dialect bug: engine id ${JSON.stringify(n)} is not a counter`);
  return `${KIND_PREFIX[kind]}-0000-4000-8000-${n.padStart(12, '0')}`;
}

/** The engine id behind a UUID this dialect issued, or undefined for anything else (an id Bybit never gave). */
export function engineIdOf(kind: IdKind, uuid: string): string | undefined {
  const m = ID_PATTERN.exec(uuid);
  if (m === null || m[1] !== KIND_PREFIX[kind]) return undefined;
  return BigInt(m[2] ?? '0').toString();
}

/** A UUID-shaped id for a maintenance notice (Bybit's system-status ids are UUIDs), stable per notice id. */
export function noticeUuid(noticeId: string): string {
  // FNV-1a, 64 bits twice: deterministic, no randomness, no crypto needed for an identifier.
  const fnv = (seed: bigint): string => {
    let h = seed;
    for (const ch of noticeId) {
      h ^= BigInt(ch.codePointAt(0) ?? 0);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return h.toString(16).padStart(16, '0');
  };
  const hex = fnv(0xcbf29ce484222325n) + fnv(0x84222325cbf29ce4n);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-11f0-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
