/**
 * Realistic nested task contexts of a given size, for the parity suite's payload properties and
 * for the benchmarks (`bench/`): an order with a customer, addresses, line items with attributes,
 * and metadata; some names are non-ASCII, as real ones are.
 *
 * `contextOfSize(bytes, seed)` is deterministic: the same size and seed give the same context, so
 * benchmark runs compare like with like. Sizes are UTF-8 bytes of `JSON.stringify(context)`.
 * No dependencies (not even fast-check): the benchmarks load it from plain Node. The fast-check
 * arbitraries over it (`contextArbitrary`, `realisticContext`) are in values.ts.
 */
import type { JsonObject, JsonValue } from '../../src/contract.js';

/** The benchmark payload sizes. */
export const PAYLOAD_SIZES = {
  '100B': 100,
  '1KB': 1_024,
  '10KB': 10_240,
  '100KB': 102_400,
  '1MB': 1_048_576,
} as const;
export type PayloadSize = keyof typeof PAYLOAD_SIZES;

/** mulberry32: a tiny seeded PRNG (deterministic across platforms; the benchmark analysis draws from it too). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = ['Ada', 'Zoë', 'José', 'Björn', 'Amélie', 'Nguyễn', 'Søren', 'Ólafur', '美咲', 'Łukasz', 'Aiyana', 'Chidi'];
const LAST_NAMES = ['Lovelace', 'Müller', 'García', 'Øberg', 'Dubois', 'Văn An', 'Kowalski', '山田', 'O\'Brien', 'Okafor'];
const CITIES = ['Berlin', 'São Paulo', 'Zürich', '東京', 'Kraków', 'Montréal', 'Reykjavík', 'Lagos', 'Austin'];
const PRODUCTS = ['Espresso beans 1 kg', 'Pour-over kettle', 'Burr grinder', 'Café crème mug', 'Filter papers ×100', 'Scale (0.1 g)', 'Tea sampler 🍵'];
const COLORS = ['black', 'white', 'steel', 'rosé', 'forest green'];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function lineItem(next: () => number, index: number): JsonObject {
  const quantity = 1 + Math.floor(next() * 5);
  const unitPrice = Math.round(next() * 20_000) / 100;
  return {
    line: index + 1,
    sku: `SKU-${Math.floor(next() * 1e6).toString().padStart(6, '0')}`,
    name: pick(next, PRODUCTS),
    quantity,
    unit_price: unitPrice,
    total: Math.round(quantity * unitPrice * 100) / 100,
    attributes: { color: pick(next, COLORS), gift_wrap: next() < 0.2, weight_g: Math.floor(next() * 3000) },
    tags: ['coffee', next() < 0.5 ? 'sale' : 'regular'],
  };
}

function baseOrder(next: () => number, seed: number): JsonObject {
  const first = pick(next, FIRST_NAMES);
  const last = pick(next, LAST_NAMES);
  return {
    order_id: 100_000 + (seed % 900_000),
    placed_at: new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 86_400_000 * 30)).toISOString(),
    currency: 'EUR',
    customer: {
      id: `cus_${Math.floor(next() * 1e9).toString(36)}`,
      name: `${first} ${last}`,
      email: `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '') || 'user'}@example.com`,
      address: { street: `${1 + Math.floor(next() * 200)} Main St`, city: pick(next, CITIES), postal_code: String(10_000 + Math.floor(next() * 89_999)), country: 'DE' },
      loyalty: { tier: pick(next, ['none', 'silver', 'gold']), points: Math.floor(next() * 10_000) },
    },
    items: [],
    shipping: { method: pick(next, ['standard', 'express', 'pickup']), cost: Math.round(next() * 1500) / 100, insured: next() < 0.3 },
    metadata: { source: 'web', campaign: null, ab_bucket: Math.floor(next() * 4), note: '' },
  };
}

const byteLength = (value: JsonValue): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * A realistic order context whose JSON is `bytes` UTF-8 bytes long (exactly, for any size above
 * the smallest context, ~60 bytes; below that, the smallest context). Deterministic in `seed`.
 */
export function contextOfSize(bytes: number, seed = 1): JsonObject {
  const next = seededRandom(seed);
  if (bytes < 300) {
    // A small flat context: `{order_id, customer, total, note}` padded by the note.
    const small: JsonObject = { order_id: 100_000 + (seed % 900_000), customer: pick(next, FIRST_NAMES), total: Math.round(next() * 10_000) / 100, note: '' };
    const missing = bytes - byteLength(small);
    if (missing > 0) small.note = 'x'.repeat(missing);
    return small;
  }
  const order = baseOrder(next, seed);
  const items = order.items as JsonObject[];
  let size = byteLength(order);
  while (size < bytes) {
    const item = lineItem(next, items.length);
    const added = byteLength(item) + (items.length > 0 ? 1 : 0);
    if (size + added > bytes) break;
    items.push(item);
    size += added;
  }
  const metadata = order.metadata as JsonObject;
  const missing = bytes - byteLength(order);
  if (missing > 0) metadata.note = 'n'.repeat(missing);
  return order;
}

/** A context nested `depth` levels deep (objects inside objects), for depth benchmarks and limits. */
export function deepContext(depth: number): JsonObject {
  let value: JsonValue = { leaf: true };
  for (let level = 1; level < depth; level += 1) value = { level, child: value };
  return value as JsonObject;
}
