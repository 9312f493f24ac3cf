import { describe, expect, test } from 'vitest';
import { canonicalJson, Trace } from '../../../src/sim/trace.ts';
import { createRng } from '../../../src/sim/rng.ts';

describe('trace', () => {
  test('hashes the same events to the same hash regardless of key insertion order', () => {
    let now = 1000;
    const a = new Trace({ startMs: 1000, now: () => now });
    const b = new Trace({ startMs: 1000, now: () => now });
    a.record('request', { venue: 'x', endpoint: 'GET /t', reqId: 1 });
    b.record('request', { reqId: 1, endpoint: 'GET /t', venue: 'x' });
    now = 1500;
    a.record('response', { status: 200 });
    b.record('response', { status: 200 });
    expect(a.hash()).toBe(b.hash());
    expect(a.events[1]?.tMs).toBe(500);
  });

  test('any changed field changes the hash', () => {
    const a = new Trace({ startMs: 0, now: () => 0 });
    const b = new Trace({ startMs: 0, now: () => 0 });
    a.record('fill', { qty: '0.001' });
    b.record('fill', { qty: '0.002' });
    expect(a.hash()).not.toBe(b.hash());
  });

  test('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"x":0,"z":1}]},"b":1}');
  });
});

describe('seeded random streams', () => {
  test('the same seed gives the same numbers, a different seed different ones', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(xs);
    expect([c.next(), c.next(), c.next()]).not.toEqual(xs);
  });

  test('forked streams do not depend on how much the parent or a sibling consumed', () => {
    const a = createRng(7);
    const b = createRng(7);
    a.next();
    a.fork('other').next();
    const x = a.fork('market').next();
    const y = b.fork('market').next();
    expect(x).toBe(y);
  });
});

describe('reserved fields', () => {
  test('an event carrying type, seq or tMs is refused: it would replace the trace\'s own', () => {
    const trace = new Trace({ startMs: 0, now: () => 0 });
    expect(() => trace.record('venue.order', { type: 'market' })).toThrow(/reserved field/);
    expect(() => trace.record('x', { seq: 3 })).toThrow(/reserved field/);
    expect(trace.record('venue.order', { orderType: 'market' })).toMatchObject({ type: 'venue.order', orderType: 'market' });
  });
});
