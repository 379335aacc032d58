// SFrame (RFC 9605) with WebCrypto: the end-to-end encryption of every media frame and chat message, so that the
// appliance relays what it cannot read. The formats are fixed by crypto/Appliance.Crypto/E2ee/README.md and must stay
// byte for byte what the C# participants produce.
'use strict';

import { concat, xorCounter } from './bytes.js';

/** AES_128_GCM_SHA256_128, the suite every participant uses (RFC 9605 §4.5). */
export const SUITE_AES_128_GCM_SHA256_128 = 4;

/** AES_256_GCM_SHA512_128 (RFC 9605 §4.5), for completeness and its test vectors. */
export const SUITE_AES_256_GCM_SHA512_128 = 5;

/** The stream part of a KID (the contract's "Keys"): each stream has its own key, salt and counter. */
export const STREAM = Object.freeze({ microphone: 0, camera: 1, screen: 2, chat: 3 });

// Only the AES-GCM suites: the contract uses 0x0004, and no participant here sends the AES-CTR+HMAC suites (1 to 3).
const SUITES = new Map([
  [SUITE_AES_128_GCM_SHA256_128, { hash: 'SHA-256', keyLength: 16 }],
  [SUITE_AES_256_GCM_SHA512_128, { hash: 'SHA-512', keyLength: 32 }],
]);
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const MAX_UINT64 = (1n << 64n) - 1n;
const EMPTY = new Uint8Array(0);
const KEY_LABEL = new TextEncoder().encode('SFrame 1.0 Secret key ');
const SALT_LABEL = new TextEncoder().encode('SFrame 1.0 Secret salt ');

// RFC 6386 §9.1: a key frame starts with a 3-byte frame tag, a 3-byte start code and 4 bytes of size; a delta frame
// with the frame tag only. The SFU and the packetizer read them, so they stay in clear (as metadata, authenticated).
const VP8_KEY_FRAME_PREFIX = 10;
const VP8_DELTA_FRAME_PREFIX = 3;

const KID_STREAM_SHIFT = 8;
const KID_SENDER_FACTOR = 1024;
const STREAM_COUNT = 4;

/**
 * The key and salt of one KID.
 * @typedef {{ kid: bigint, suite: number, key: CryptoKey, salt: Uint8Array }} SframeKey
 */

/**
 * Where a receiver finds the key for a KID: the key, a promise of it (keys may be derived on first use), or undefined
 * when it has none.
 * @typedef {(kid: bigint) => (SframeKey | Promise<SframeKey | undefined> | undefined)} KeyLookup
 */

/**
 * What unprotecting a frame gave.
 * @typedef {{ ok: true, plaintext: Uint8Array, kid: bigint, ctr: bigint }
 *   | { ok: false, reason: 'malformed' | 'unknown-kid' | 'tampered' }} UnprotectResult
 */

function toUint64(value, name) {
  let big;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else throw new TypeError(`sframe: ${name} must be a bigint or a safe integer`);
  if (big < 0n || big > MAX_UINT64) throw new RangeError(`sframe: ${name} must fit in 64 bits unsigned`);
  return big;
}

function suiteOf(suite) {
  const parameters = SUITES.get(suite);
  if (!parameters) throw new RangeError(`sframe: cipher suite ${suite} is not supported`);
  return parameters;
}

function bytesNeeded(value) {
  let length = 1;
  while (value >> BigInt(8 * length) !== 0n) length++;
  return length;
}

function writeBigEndian(target, at, value, length) {
  for (let i = length - 1; i >= 0; i--) {
    target[at + i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

function readBigEndian(source, at, length) {
  let value = 0n;
  for (let i = 0; i < length; i++) value = (value << 8n) | BigInt(source[at + i]);
  return value;
}

/**
 * The SFrame header (RFC 9605 §4.3) in its shortest form: values below 8 sit in the config byte, larger ones follow it
 * in as few big-endian bytes as they need.
 * @param {bigint | number} kid
 * @param {bigint | number} ctr
 * @returns {Uint8Array}
 */
export function encodeHeader(kid, ctr) {
  const k = toUint64(kid, 'kid');
  const c = toUint64(ctr, 'ctr');
  const kidLength = k < 8n ? 0 : bytesNeeded(k);
  const ctrLength = c < 8n ? 0 : bytesNeeded(c);
  const header = new Uint8Array(1 + kidLength + ctrLength);
  const kidBits = kidLength === 0 ? Number(k) : 0x08 | (kidLength - 1);
  const ctrBits = ctrLength === 0 ? Number(c) : 0x08 | (ctrLength - 1);
  header[0] = (kidBits << 4) | ctrBits;
  writeBigEndian(header, 1, k, kidLength);
  writeBigEndian(header, 1 + kidLength, c, ctrLength);
  return header;
}

/**
 * Reads the SFrame header at the start of bytes.
 * @param {Uint8Array} bytes
 * @returns {{ kid: bigint, ctr: bigint, length: number } | null} null when bytes are not a Uint8Array or too short
 */
export function decodeHeader(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length < 1) return null;
  const config = bytes[0];
  const kidExtended = (config & 0x80) !== 0;
  const kidLength = kidExtended ? ((config >> 4) & 0x07) + 1 : 0;
  const ctrExtended = (config & 0x08) !== 0;
  const ctrLength = ctrExtended ? (config & 0x07) + 1 : 0;
  const length = 1 + kidLength + ctrLength;
  if (bytes.length < length) return null;
  const kid = kidExtended ? readBigEndian(bytes, 1, kidLength) : BigInt((config >> 4) & 0x07);
  const ctr = ctrExtended ? readBigEndian(bytes, 1 + kidLength, ctrLength) : BigInt(config & 0x07);
  return { kid, ctr, length };
}

function derivationLabel(prefix, kid, suite) {
  const label = new Uint8Array(prefix.length + 10);
  label.set(prefix);
  writeBigEndian(label, prefix.length, kid, 8);
  writeBigEndian(label, prefix.length + 8, BigInt(suite), 2);
  return label;
}

async function importBaseKey(baseKey) {
  if (!(baseKey instanceof Uint8Array) || baseKey.length === 0) {
    throw new TypeError('sframe: the base key must be a non-empty Uint8Array');
  }
  return crypto.subtle.importKey('raw', baseKey, 'HKDF', false, ['deriveBits']);
}

// WebCrypto's HKDF is Extract then Expand; with an empty salt its Extract is exactly the RFC's
// HKDF-Extract("", base_key), so one deriveBits per label gives sframe_key and sframe_salt.
async function deriveFromBaseKey(hkdfKey, kid, suite) {
  const { hash, keyLength } = suiteOf(suite);
  const [keyBits, saltBits] = await Promise.all([
    crypto.subtle.deriveBits({ name: 'HKDF', hash, salt: EMPTY, info: derivationLabel(KEY_LABEL, kid, suite) }, hkdfKey, keyLength * 8),
    crypto.subtle.deriveBits({ name: 'HKDF', hash, salt: EMPTY, info: derivationLabel(SALT_LABEL, kid, suite) }, hkdfKey, NONCE_LENGTH * 8),
  ]);
  const key = await crypto.subtle.importKey('raw', keyBits, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return Object.freeze({ kid, suite, key, salt: new Uint8Array(saltBits) });
}

/**
 * Derives the key and salt of one KID from a base key (RFC 9605 §4.4.2). The AES key is not extractable.
 * @param {Uint8Array} baseKey
 * @param {bigint | number} kid
 * @param {number} [suite]
 * @returns {Promise<SframeKey>}
 */
export async function deriveKey(baseKey, kid, suite = SUITE_AES_128_GCM_SHA256_128) {
  const k = toUint64(kid, 'kid');
  suiteOf(suite);
  return deriveFromBaseKey(await importBaseKey(baseKey), k, suite);
}

/**
 * Encrypts one frame: header || ciphertext || tag, with the header and metadata authenticated (RFC 9605 §4.4.3).
 * The caller must never use a counter twice with the same key.
 * @param {SframeKey} sframeKey
 * @param {bigint | number} ctr
 * @param {Uint8Array} plaintext
 * @param {Uint8Array} [metadata]
 * @returns {Promise<Uint8Array>}
 */
export async function protect(sframeKey, ctr, plaintext, metadata = EMPTY) {
  const c = toUint64(ctr, 'ctr');
  const header = encodeHeader(sframeKey.kid, c);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: xorCounter(sframeKey.salt, c), additionalData: concat(header, metadata), tagLength: TAG_LENGTH * 8 },
    sframeKey.key,
    plaintext);
  return concat(header, new Uint8Array(sealed));
}

/**
 * Decrypts one frame made by protect. Never throws for what arrives from the network: every failure is a reason.
 * @param {KeyLookup} lookup
 * @param {Uint8Array} frame
 * @param {Uint8Array} [metadata]
 * @returns {Promise<UnprotectResult>}
 */
export async function unprotect(lookup, frame, metadata = EMPTY) {
  const header = decodeHeader(frame);
  if (header === null || frame.length < header.length + TAG_LENGTH || !(metadata instanceof Uint8Array)) {
    return { ok: false, reason: 'malformed' };
  }
  let sframeKey;
  try {
    sframeKey = await lookup(header.kid);
  } catch {
    sframeKey = undefined;
  }
  if (!sframeKey) return { ok: false, reason: 'unknown-kid' };
  try {
    const plaintext = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: xorCounter(sframeKey.salt, header.ctr),
        additionalData: concat(frame.subarray(0, header.length), metadata),
        tagLength: TAG_LENGTH * 8,
      },
      sframeKey.key,
      frame.subarray(header.length));
    return { ok: true, plaintext: new Uint8Array(plaintext), kid: header.kid, ctr: header.ctr };
  } catch {
    return { ok: false, reason: 'tampered' };
  }
}

/**
 * The KID of a sender's stream in a generation (the contract's "Keys"): senderIndex × 1024 + stream × 256 + gen mod 256.
 * @param {number} senderIndex 1, 2, … as the server assigned it
 * @param {number} stream one of STREAM
 * @param {number} gen the sender's key generation (only gen mod 256 is carried)
 * @returns {number}
 */
export function composeKid(senderIndex, stream, gen) {
  if (!Number.isSafeInteger(senderIndex) || senderIndex < 0) throw new RangeError('sframe: senderIndex must be a non-negative integer');
  if (!Number.isInteger(stream) || stream < 0 || stream >= STREAM_COUNT) throw new RangeError('sframe: stream must be 0 to 3');
  if (!Number.isSafeInteger(gen) || gen < 0) throw new RangeError('sframe: gen must be a non-negative integer');
  const kid = senderIndex * KID_SENDER_FACTOR + (stream << KID_STREAM_SHIFT) + (gen % 256);
  if (!Number.isSafeInteger(kid)) throw new RangeError('sframe: senderIndex is too large');
  return kid;
}

/**
 * The parts of a KID made by composeKid; gen is the generation mod 256.
 * @param {bigint | number} kid
 * @returns {{ senderIndex: number, stream: number, gen: number }}
 */
export function splitKid(kid) {
  const k = toUint64(kid, 'kid');
  return {
    senderIndex: Number(k / BigInt(KID_SENDER_FACTOR)),
    stream: Number((k >> BigInt(KID_STREAM_SHIFT)) & 3n),
    gen: Number(k & 0xffn),
  };
}

/**
 * How many bytes of a VP8 frame stay in clear.
 * @param {boolean} isKeyFrame
 * @returns {10 | 3}
 */
export function vp8ClearPrefixLength(isKeyFrame) {
  return isKeyFrame ? VP8_KEY_FRAME_PREFIX : VP8_DELTA_FRAME_PREFIX;
}

/**
 * Encrypts a VP8 frame: clear prefix || SFrame, the prefix being the SFrame metadata.
 * @param {SframeKey} sframeKey
 * @param {bigint | number} ctr
 * @param {Uint8Array} frame
 * @param {boolean} isKeyFrame
 * @returns {Promise<Uint8Array | null>} null when the frame is no longer than its clear prefix (to be dropped)
 */
export async function protectVideoFrame(sframeKey, ctr, frame, isKeyFrame) {
  const prefixLength = vp8ClearPrefixLength(isKeyFrame);
  if (frame.length <= prefixLength) return null;
  const prefix = frame.subarray(0, prefixLength);
  return concat(prefix, await protect(sframeKey, ctr, frame.subarray(prefixLength), prefix));
}

/**
 * Decrypts a VP8 frame made by protectVideoFrame; the plaintext is the whole frame again (prefix || decrypted).
 * @param {KeyLookup} lookup
 * @param {Uint8Array} frame
 * @param {boolean} isKeyFrame
 * @returns {Promise<UnprotectResult>}
 */
export async function unprotectVideoFrame(lookup, frame, isKeyFrame) {
  const prefixLength = vp8ClearPrefixLength(isKeyFrame);
  if (!(frame instanceof Uint8Array) || frame.length <= prefixLength) return { ok: false, reason: 'malformed' };
  const prefix = frame.subarray(0, prefixLength);
  const result = await unprotect(lookup, frame.subarray(prefixLength), prefix);
  if (!result.ok) return result;
  return { ...result, plaintext: concat(prefix, result.plaintext) };
}

/** How far behind the highest accepted counter of a KID a frame may still come (as the C# SframeReceiver). */
export const REPLAY_WINDOW = 64;

/**
 * The counters accepted for one KID: a counter already accepted, or REPLAY_WINDOW or more behind the highest one
 * accepted, is a replay. Record only authenticated frames, so that a forged header cannot move the window.
 */
export class ReplayWindow {
  #highest = -1n;
  // Bit i: highest - i was accepted.
  #seen = 0n;

  /**
   * Records ctr if it is new and within the window.
   * @param {bigint | number} ctr
   * @returns {boolean} false for a replay (nothing is recorded then)
   */
  accept(ctr) {
    const counter = BigInt(ctr);
    const width = BigInt(REPLAY_WINDOW);
    if (counter > this.#highest) {
      const shift = counter - this.#highest;
      this.#seen = shift >= width ? 1n : ((this.#seen << shift) | 1n) & ((1n << width) - 1n);
      this.#highest = counter;
      return true;
    }
    const behind = this.#highest - counter;
    if (behind >= width || ((this.#seen >> behind) & 1n) === 1n) return false;
    this.#seen |= 1n << behind;
    return true;
  }
}

// One sender's base key of one generation, with the stream keys derived from it on first use. The promise is cached
// first, so that frames arriving together derive a key once. Each stream's replay window lives (and is forgotten) with
// the generation, like its key.
class Generation {
  #hkdfKey;
  #keys = new Map();
  #windows = new Map();

  constructor(hkdfKey, senderIndex, gen) {
    this.#hkdfKey = hkdfKey;
    this.senderIndex = senderIndex;
    this.gen = gen;
  }

  static async create(baseKey, senderIndex, gen) {
    if (!(baseKey instanceof Uint8Array) || baseKey.length !== 32) throw new TypeError('sframe: a base key is 32 bytes');
    // Refuses a senderIndex or gen that cannot make a KID before any key is derived.
    composeKid(senderIndex, 0, gen);
    return new Generation(await importBaseKey(baseKey), senderIndex, gen);
  }

  keyFor(stream) {
    let key = this.#keys.get(stream);
    if (!key) {
      const kid = BigInt(composeKid(this.senderIndex, stream, this.gen));
      key = deriveFromBaseKey(this.#hkdfKey, kid, SUITE_AES_128_GCM_SHA256_128);
      this.#keys.set(stream, key);
      // Once derived, later lookups get the key itself and spare every frame a promise.
      key.then((derived) => this.#keys.set(stream, derived), () => this.#keys.delete(stream));
    }
    return key;
  }

  acceptCounter(stream, ctr) {
    let window = this.#windows.get(stream);
    if (!window) {
      window = new ReplayWindow();
      this.#windows.set(stream, window);
    }
    return window.accept(ctr);
  }
}

/**
 * This participant's sending side: the current base key and one counter per KID. Counters are never reset, not even
 * when a later generation comes back to the same KID (gen mod 256), so no nonce repeats under one key.
 */
export class SframeSender {
  #generation = null;
  #counters = new Map();

  constructor() {}

  /**
   * Switches to a new base key (the caller has distributed it and waited as the contract says).
   * @param {Uint8Array} baseKey 32 random bytes
   * @param {number} senderIndex
   * @param {number} gen
   */
  async setKey(baseKey, senderIndex, gen) {
    this.#generation = await Generation.create(baseKey, senderIndex, gen);
  }

  // The counter is taken synchronously after the key is known, so that concurrent calls never share one.
  async #keyAndCounter(stream) {
    const generation = this.#generation;
    if (!generation) throw new Error('sframe: the sender has no key yet');
    const sframeKey = await generation.keyFor(stream);
    const kid = sframeKey.kid;
    const ctr = this.#counters.get(kid) ?? 0n;
    if (ctr > MAX_UINT64) throw new RangeError('sframe: the counter of this KID is exhausted');
    this.#counters.set(kid, ctr + 1n);
    return { sframeKey, ctr };
  }

  /**
   * Encrypts one frame or chat message of a stream with the current key.
   * @param {number} stream one of STREAM
   * @param {Uint8Array} plaintext
   * @param {Uint8Array} [metadata]
   * @returns {Promise<Uint8Array>}
   */
  async protect(stream, plaintext, metadata = EMPTY) {
    const { sframeKey, ctr } = await this.#keyAndCounter(stream);
    return protect(sframeKey, ctr, plaintext, metadata);
  }

  /**
   * Encrypts a VP8 frame of a stream with the current key (see protectVideoFrame).
   * @param {number} stream STREAM.camera or STREAM.screen
   * @param {Uint8Array} frame
   * @param {boolean} isKeyFrame
   * @returns {Promise<Uint8Array | null>} null when the frame is to be dropped; it then uses no counter
   */
  async protectVideoFrame(stream, frame, isKeyFrame) {
    if (frame.length <= vp8ClearPrefixLength(isKeyFrame)) return null;
    const { sframeKey, ctr } = await this.#keyAndCounter(stream);
    return protectVideoFrame(sframeKey, ctr, frame, isKeyFrame);
  }
}

/**
 * A receiver's keys: the base keys of other senders by generation, their stream keys derived on first use.
 */
export class SframeKeyRing {
  // senderIndex → (gen mod 256 → Generation)
  #senders = new Map();

  /**
   * Adds a sender's base key for a generation. It replaces a key of the same generation, or of an older one 256
   * generations back (the same KIDs); a key that arrives after a newer one with the same KIDs is ignored.
   * @param {number} senderIndex
   * @param {number} gen
   * @param {Uint8Array} baseKey 32 bytes
   */
  async add(senderIndex, gen, baseKey) {
    const generation = await Generation.create(baseKey, senderIndex, gen);
    let generations = this.#senders.get(senderIndex);
    if (!generations) {
      generations = new Map();
      this.#senders.set(senderIndex, generations);
    }
    const present = generations.get(gen % 256);
    if (present && present.gen > gen) return;
    generations.set(gen % 256, generation);
  }

  /**
   * The key of a KID: undefined when no base key fits, otherwise the key or (before its first use) a promise of it.
   * Pass as `(kid) => ring.lookup(kid)` to unprotect, which accepts both.
   * @param {bigint | number} kid
   * @returns {SframeKey | Promise<SframeKey> | undefined}
   */
  lookup(kid) {
    const found = this.#find(kid);
    return found ? found.generation.keyFor(found.stream) : undefined;
  }

  /**
   * Records the counter of a frame that unprotect authenticated under kid; false when it is a replay (already
   * accepted, or REPLAY_WINDOW or more behind the newest of that KID) or no key of the ring has that KID.
   * @param {bigint | number} kid
   * @param {bigint | number} ctr
   * @returns {boolean}
   */
  acceptCounter(kid, ctr) {
    const found = this.#find(kid);
    return found ? found.generation.acceptCounter(found.stream, ctr) : false;
  }

  // The generation a KID names and its stream; undefined for a KID that is no KID of the contract or has no key here.
  #find(kid) {
    let parts;
    try {
      parts = splitKid(kid);
    } catch {
      return undefined;
    }
    const generation = this.#senders.get(parts.senderIndex)?.get(parts.gen);
    return generation ? { generation, stream: parts.stream } : undefined;
  }

  /**
   * Forgets a sender's generations older than gen (the contract keeps the previous one 10 s after the newer is seen).
   * @param {number} senderIndex
   * @param {number} gen
   */
  forgetOlderThan(senderIndex, gen) {
    const generations = this.#senders.get(senderIndex);
    if (!generations) return;
    for (const [low, generation] of generations) {
      if (generation.gen < gen) generations.delete(low);
    }
    if (generations.size === 0) this.#senders.delete(senderIndex);
  }
}
