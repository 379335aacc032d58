// The security code (crypto/Appliance.Crypto/E2ee/README.md, "Security code"): twelve digits that people in a meeting
// compare aloud. They match for everyone exactly when everyone sees the same public keys in the same epoch, which is
// how a server that swaps in its own key would be noticed.
'use strict';

const PREFIX = new TextEncoder().encode('appliance security code v1');
const PUBLIC_KEY_LENGTH = 32;
const CODE_MODULUS = 10n ** 12n;
const MAX_EPOCH = 0xffffffff;

function compareBytes(a, b) {
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

/**
 * The security code of an epoch and the admitted participants' public keys, e.g. "0421 9983 1170". The keys may come
 * in any order: they are sorted bytewise first, so every participant computes the same code.
 * @param {number} epoch 0 to 2^32 - 1, from the roster's e2ee.epoch
 * @param {Uint8Array[]} publicKeys raw 32-byte X25519 public keys
 * @returns {Promise<string>}
 */
export async function securityCode(epoch, publicKeys) {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH) throw new RangeError('code: epoch must fit in 32 bits unsigned');
  if (!Array.isArray(publicKeys) || publicKeys.some((key) => !(key instanceof Uint8Array) || key.length !== PUBLIC_KEY_LENGTH)) {
    throw new TypeError('code: public keys are 32-byte Uint8Arrays');
  }
  const sorted = [...publicKeys].sort(compareBytes);
  const input = new Uint8Array(PREFIX.length + 4 + sorted.length * PUBLIC_KEY_LENGTH);
  input.set(PREFIX);
  new DataView(input.buffer).setUint32(PREFIX.length, epoch, false);
  sorted.forEach((key, index) => input.set(key, PREFIX.length + 4 + index * PUBLIC_KEY_LENGTH));
  const digest = new DataView(await crypto.subtle.digest('SHA-256', input));
  const digits = (digest.getBigUint64(0, false) % CODE_MODULUS).toString().padStart(12, '0');
  return `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`;
}

/**
 * The code as a screen reader should say it: digit by digit, with a pause between the groups
 * ("0421 9983 1170" → "0 4 2 1, 9 9 8 3, 1 1 7 0"), for an aria-label.
 * @param {string} code
 * @returns {string}
 */
export function digitsForSpeech(code) {
  return String(code).trim().split(/\s+/).map((group) => [...group].join(' ')).join(', ');
}
