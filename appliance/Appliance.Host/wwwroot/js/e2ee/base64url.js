// Base64url without padding (RFC 4648 §5), the text form of public keys and sealed keys in signalling messages. The
// decoder is strict on purpose: one byte string has exactly one text form, so a key the server relays cannot be
// re-spelled into a second, different-looking string that still decodes to the same bytes.
'use strict';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Map([...ALPHABET].map((character, index) => [character, index]));

/**
 * Encodes bytes as base64url without padding.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function encode(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('base64url: bytes must be a Uint8Array');
  let text = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const group = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    text += ALPHABET[group >> 18] + ALPHABET[(group >> 12) & 63] + ALPHABET[(group >> 6) & 63] + ALPHABET[group & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const group = bytes[i] << 16;
    text += ALPHABET[group >> 18] + ALPHABET[(group >> 12) & 63];
  } else if (rest === 2) {
    const group = (bytes[i] << 16) | (bytes[i + 1] << 8);
    text += ALPHABET[group >> 18] + ALPHABET[(group >> 12) & 63] + ALPHABET[(group >> 6) & 63];
  }
  return text;
}

/**
 * Decodes base64url without padding. Returns null for anything that is not the canonical encoding of some bytes:
 * characters outside the alphabet (including '=' and white space), an impossible length, or unused low bits that are
 * not zero.
 * @param {string} text
 * @returns {Uint8Array | null}
 */
export function decode(text) {
  if (typeof text !== 'string' || text.length % 4 === 1) return null;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let group = 0;
  let bits = 0;
  let at = 0;
  for (const character of text) {
    const value = VALUES.get(character);
    if (value === undefined) return null;
    group = (group << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (group >> bits) & 0xff;
      group &= (1 << bits) - 1;
    }
  }
  // Left-over bits belong to no byte; a canonical encoder writes them as zero.
  if (group !== 0) return null;
  return bytes;
}
