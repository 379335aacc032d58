// Byte helpers the E2EE modules share; internal to js/e2ee/.
'use strict';

/**
 * The parts one after another in a new array.
 * @param {...Uint8Array} parts
 * @returns {Uint8Array}
 */
export function concat(...parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A copy of base with value XORed into its last bytes, big-endian: the per-message nonce of SFrame (RFC 9605 §4.4.3)
 * and of HPKE (RFC 9180 §5.2). The caller keeps value below 2^(8 × base.length).
 * @param {Uint8Array} base
 * @param {bigint} value
 * @returns {Uint8Array}
 */
export function xorCounter(base, value) {
  const out = new Uint8Array(base);
  let rest = value;
  for (let i = out.length - 1; i >= 0 && rest !== 0n; i--) {
    out[i] ^= Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
