import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/** Random bytes drawn in blocks: one randomFillSync per 256 ids instead of two calls per id. */
const POOL_IDS = 256;
const pool = Buffer.alloc(POOL_IDS * 10);
let poolOffset = pool.length;

function random10(): Buffer {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + 10);
  poolOffset += 10;
  return out;
}

/**
 * UUIDv7 (RFC 9562): 48-bit unix ms, then a 12-bit counter seeded randomly each ms and incremented within it,
 * so ids made by one process are strictly increasing and ids across processes sort by creation time.
 * Ordering messages by id is arrival order.
 */
export function newId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = random10().readUInt16BE(0) & 0x7ff; // leave headroom before the 12-bit counter overflows
  } else {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      // More than ~2,000 ids in one ms: borrow the next millisecond rather than lose monotonicity.
      lastMs = ++ms;
      counter = 0;
    }
  }
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(ms, 0, 6);
  random10().copy(b, 6);
  b[6] = 0x70 | ((counter >> 8) & 0x0f);
  b[7] = counter & 0xff;
  b[8] = 0x80 | ((b[8] ?? 0) & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The smallest id {@link newId} can make at `ms`: ids compare as strings, so `id >= idFloorAt(t)` means "made at t or later". */
export function idFloorAt(ms: number): string {
  const h = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-0000-0000-000000000000`;
}
