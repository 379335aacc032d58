// HPKE (RFC 9180) base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM, on WebCrypto: how a sender's
// SFrame base key reaches each other participant through a server that must not learn it. The sealed format and the
// info and aad strings are fixed by crypto/Appliance.Crypto/E2ee/README.md.
'use strict';

import { concat, xorCounter } from './bytes.js';

const KEM_ID = 0x0020;
const KDF_ID = 0x0001;
const AEAD_ID = 0x0001;
const HASH_LENGTH = 32;
const KEY_LENGTH = 16;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const X25519_LENGTH = 32;
const MODE_BASE = 0x00;
// Far beyond any use here; it only keeps the sequence number inside the nonce (RFC 9180 §5.2).
const MAX_SEQUENCE = (1n << BigInt(8 * NONCE_LENGTH)) - 1n;

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
const VERSION_LABEL = encoder.encode('HPKE-v1');
const KEM_SUITE_ID = concat(encoder.encode('KEM'), uint16(KEM_ID));
const HPKE_SUITE_ID = concat(encoder.encode('HPKE'), uint16(KEM_ID), uint16(KDF_ID), uint16(AEAD_ID));
// A raw X25519 private key wrapped as PKCS#8 (RFC 8410), the only private form WebCrypto imports.
const PKCS8_X25519_PREFIX = hex('302e020100300506032b656e04220420');
const BASE_POINT = (() => {
  const point = new Uint8Array(X25519_LENGTH);
  point[0] = 9;
  return point;
})();

const SENDER_KEY_INFO = encoder.encode('appliance e2ee v1 sender key');
const SENDER_KEY_LENGTH = 32;

function hex(text) {
  return Uint8Array.from(text.match(/../g), (pair) => parseInt(pair, 16));
}

function uint16(value) {
  return new Uint8Array([(value >> 8) & 0xff, value & 0xff]);
}

function isBytes(value, length) {
  return value instanceof Uint8Array && (length === undefined || value.length === length);
}

async function hmac(key, data) {
  const hmacKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, data));
}

// RFC 5869. WebCrypto's HKDF always runs Extract and Expand together, but HPKE needs Extract's output on its own
// (psk_id_hash, info_hash, secret), so both halves are written out over HMAC. An empty salt means HashLen zero bytes,
// which is also what HMAC pads a shorter key to; WebCrypto refuses a zero-length HMAC key, hence the explicit zeros.
async function extract(salt, ikm) {
  return hmac(salt.length === 0 ? new Uint8Array(HASH_LENGTH) : salt, ikm);
}

async function expand(prk, info, length) {
  if (length > 255 * HASH_LENGTH) throw new RangeError('hpke: too long an expansion');
  const hmacKey = await crypto.subtle.importKey('raw', prk, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const out = new Uint8Array(length);
  let block = EMPTY;
  for (let counter = 1, at = 0; at < length; counter++) {
    block = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, concat(block, info, new Uint8Array([counter]))));
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

// RFC 9180 §4.
function labeledExtract(suiteId, salt, label, ikm) {
  return extract(salt, concat(VERSION_LABEL, suiteId, encoder.encode(label), ikm));
}

function labeledExpand(suiteId, prk, label, info, length) {
  return expand(prk, concat(uint16(length), VERSION_LABEL, suiteId, encoder.encode(label), info), length);
}

async function importPublicKey(publicKey) {
  return crypto.subtle.importKey('raw', publicKey, { name: 'X25519' }, true, []);
}

// Throws for a public key WebCrypto refuses and for the all-zero output of a small-order point (RFC 9180 §7.1.4).
async function dh(privateKey, publicKeyBytes) {
  const publicKey = await importPublicKey(publicKeyBytes);
  const shared = new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: publicKey }, privateKey, 8 * X25519_LENGTH));
  if (shared.every((byte) => byte === 0)) throw new Error('hpke: the Diffie-Hellman output is zero');
  return shared;
}

async function privateKeyFromBytes(privateKeyBytes) {
  return crypto.subtle.importKey('pkcs8', concat(PKCS8_X25519_PREFIX, privateKeyBytes), { name: 'X25519' }, false, ['deriveBits']);
}

/**
 * An X25519 key pair for this page: the public key as 32 raw bytes, the private key not extractable.
 * @returns {Promise<{ publicKey: Uint8Array, privateKey: CryptoKey }>}
 */
export async function generateKeyPair() {
  const pair = await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']);
  return { publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)), privateKey: pair.privateKey };
}

/**
 * The deterministic key pair of RFC 9180 §7.1.3, for test vectors. The private key's bytes are returned as well.
 * @param {Uint8Array} ikm
 * @returns {Promise<{ publicKey: Uint8Array, privateKey: CryptoKey, privateKeyBytes: Uint8Array }>}
 */
export async function deriveKeyPair(ikm) {
  if (!isBytes(ikm)) throw new TypeError('hpke: ikm must be a Uint8Array');
  const dkpPrk = await labeledExtract(KEM_SUITE_ID, EMPTY, 'dkp_prk', ikm);
  const privateKeyBytes = await labeledExpand(KEM_SUITE_ID, dkpPrk, 'sk', EMPTY, X25519_LENGTH);
  const privateKey = await privateKeyFromBytes(privateKeyBytes);
  // The public key is X25519(sk, 9); WebCrypto clamps the scalar as RFC 7748 requires.
  const publicKey = new Uint8Array(await crypto.subtle.deriveBits(
    { name: 'X25519', public: await importPublicKey(BASE_POINT) }, privateKey, 8 * X25519_LENGTH));
  return { publicKey, privateKey, privateKeyBytes };
}

// RFC 9180 §4.1: ExtractAndExpand of DHKEM.
async function sharedSecret(dhOutput, enc, pkR) {
  const eaePrk = await labeledExtract(KEM_SUITE_ID, EMPTY, 'eae_prk', dhOutput);
  return labeledExpand(KEM_SUITE_ID, eaePrk, 'shared_secret', concat(enc, pkR), HASH_LENGTH);
}

/**
 * The encryption context both sides reach (RFC 9180 §5.2). key, baseNonce and exporterSecret are there for test
 * vectors only. seal and open run in call order, each with the next sequence number.
 */
class Context {
  #aesKey;
  #sequence = 0n;
  #queue = Promise.resolve();

  constructor(aesKey, key, baseNonce, exporterSecret, sharedSecretBytes) {
    this.#aesKey = aesKey;
    /** @type {Uint8Array} */
    this.key = key;
    /** @type {Uint8Array} */
    this.baseNonce = baseNonce;
    /** @type {Uint8Array} */
    this.exporterSecret = exporterSecret;
    /** @type {Uint8Array} */
    this.sharedSecret = sharedSecretBytes;
  }

  static async create(sharedSecretBytes, info) {
    const pskIdHash = await labeledExtract(HPKE_SUITE_ID, EMPTY, 'psk_id_hash', EMPTY);
    const infoHash = await labeledExtract(HPKE_SUITE_ID, EMPTY, 'info_hash', info);
    const keyScheduleContext = concat(new Uint8Array([MODE_BASE]), pskIdHash, infoHash);
    const secret = await labeledExtract(HPKE_SUITE_ID, sharedSecretBytes, 'secret', EMPTY);
    const key = await labeledExpand(HPKE_SUITE_ID, secret, 'key', keyScheduleContext, KEY_LENGTH);
    const baseNonce = await labeledExpand(HPKE_SUITE_ID, secret, 'base_nonce', keyScheduleContext, NONCE_LENGTH);
    const exporterSecret = await labeledExpand(HPKE_SUITE_ID, secret, 'exp', keyScheduleContext, HASH_LENGTH);
    const aesKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
    return new Context(aesKey, key, baseNonce, exporterSecret, sharedSecretBytes);
  }

  #nonce() {
    if (this.#sequence > MAX_SEQUENCE) throw new RangeError('hpke: the message limit of this context is reached');
    return xorCounter(this.baseNonce, this.#sequence);
  }

  #inOrder(operation) {
    const result = this.#queue.then(operation);
    this.#queue = result.then(() => undefined, () => undefined);
    return result;
  }

  /**
   * Encrypts the next message.
   * @param {Uint8Array} aad
   * @param {Uint8Array} plaintext
   * @returns {Promise<Uint8Array>} ciphertext || tag
   */
  seal(aad, plaintext) {
    return this.#inOrder(async () => {
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: this.#nonce(), additionalData: aad, tagLength: 8 * TAG_LENGTH }, this.#aesKey, plaintext);
      this.#sequence++;
      return new Uint8Array(sealed);
    });
  }

  /**
   * Decrypts the next message; only a message that opens moves the sequence on.
   * @param {Uint8Array} aad
   * @param {Uint8Array} ciphertext
   * @returns {Promise<Uint8Array | null>} null when it does not open
   */
  open(aad, ciphertext) {
    return this.#inOrder(async () => {
      try {
        const plaintext = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: this.#nonce(), additionalData: aad, tagLength: 8 * TAG_LENGTH }, this.#aesKey, ciphertext);
        this.#sequence++;
        return new Uint8Array(plaintext);
      } catch {
        return null;
      }
    });
  }

  /**
   * A secret derived from the context (RFC 9180 §5.3).
   * @param {Uint8Array} exporterContext
   * @param {number} length
   * @returns {Promise<Uint8Array>}
   */
  export(exporterContext, length) {
    return labeledExpand(HPKE_SUITE_ID, this.exporterSecret, 'sec', exporterContext, length);
  }
}

/**
 * The sender's side of base mode: a fresh ephemeral key (or the given one, for test vectors) encapsulated to pkR.
 * @param {Uint8Array} pkR the recipient's 32-byte public key
 * @param {Uint8Array} info
 * @param {{ publicKey: Uint8Array, privateKey: CryptoKey }} [ephemeral]
 * @returns {Promise<{ enc: Uint8Array, context: Context }>}
 */
export async function setupBaseS(pkR, info, ephemeral) {
  if (!isBytes(pkR, X25519_LENGTH)) throw new TypeError('hpke: a public key is 32 bytes');
  if (!isBytes(info)) throw new TypeError('hpke: info must be a Uint8Array');
  const pairE = ephemeral ?? await generateKeyPair();
  const enc = pairE.publicKey;
  const shared = await sharedSecret(await dh(pairE.privateKey, pkR), enc, pkR);
  return { enc, context: await Context.create(shared, info) };
}

/**
 * The recipient's side of base mode.
 * @param {Uint8Array} enc the sender's 32-byte encapsulated key
 * @param {{ publicKey: Uint8Array, privateKey: CryptoKey }} keyPairR
 * @param {Uint8Array} info
 * @returns {Promise<Context>} rejects when enc is not a usable X25519 public key
 */
export async function setupBaseR(enc, keyPairR, info) {
  if (!isBytes(enc, X25519_LENGTH)) throw new TypeError('hpke: enc is 32 bytes');
  if (!isBytes(info)) throw new TypeError('hpke: info must be a Uint8Array');
  const shared = await sharedSecret(await dh(keyPairR.privateKey, enc), enc, keyPairR.publicKey);
  return Context.create(shared, info);
}

/**
 * Single-shot seal (RFC 9180 §6.1).
 * @param {Uint8Array} pkR
 * @param {Uint8Array} info
 * @param {Uint8Array} aad
 * @param {Uint8Array} plaintext
 * @returns {Promise<Uint8Array>} enc || ciphertext || tag
 */
export async function seal(pkR, info, aad, plaintext) {
  const { enc, context } = await setupBaseS(pkR, info);
  return concat(enc, await context.seal(aad, plaintext));
}

/**
 * Single-shot open of what seal made. Never throws for what arrives from the network.
 * @param {{ publicKey: Uint8Array, privateKey: CryptoKey }} keyPairR
 * @param {Uint8Array} sealed
 * @param {Uint8Array} info
 * @param {Uint8Array} aad
 * @returns {Promise<Uint8Array | null>} null when it does not open
 */
export async function open(keyPairR, sealed, info, aad) {
  if (!isBytes(sealed) || sealed.length < X25519_LENGTH + TAG_LENGTH) return null;
  try {
    const context = await setupBaseR(sealed.slice(0, X25519_LENGTH), keyPairR, info);
    return await context.open(aad, sealed.subarray(X25519_LENGTH));
  } catch {
    return null;
  }
}

// The contract binds a sealed key to its meeting, sender, recipient and generation.
function senderKeyAad(meetingId, fromId, toId, gen) {
  if (!Number.isSafeInteger(gen) || gen < 0) throw new RangeError('hpke: gen must be a non-negative integer');
  return encoder.encode(`${meetingId}|${fromId}|${toId}|${gen}`);
}

/**
 * Seals a 32-byte SFrame base key to one recipient, as the e2ee-key message's `sealed` (before base64url).
 * @param {Uint8Array} recipientPublicKey
 * @param {string} meetingId
 * @param {string} fromId the sender's participant id
 * @param {string} toId the recipient's participant id
 * @param {number} gen
 * @param {Uint8Array} baseKey
 * @returns {Promise<Uint8Array>}
 */
export async function sealSenderKey(recipientPublicKey, meetingId, fromId, toId, gen, baseKey) {
  if (!isBytes(baseKey, SENDER_KEY_LENGTH)) throw new TypeError('hpke: a base key is 32 bytes');
  return seal(recipientPublicKey, SENDER_KEY_INFO, senderKeyAad(meetingId, fromId, toId, gen), baseKey);
}

/**
 * Opens a sealed sender key addressed to this participant.
 * @param {{ publicKey: Uint8Array, privateKey: CryptoKey }} keyPair this page's key pair
 * @param {Uint8Array} sealed
 * @param {string} meetingId
 * @param {string} fromId
 * @param {string} toId this participant's id
 * @param {number} gen
 * @returns {Promise<Uint8Array | null>} the 32-byte base key, or null when it does not open for exactly these values
 */
export async function openSenderKey(keyPair, sealed, meetingId, fromId, toId, gen) {
  let aad;
  try {
    aad = senderKeyAad(meetingId, fromId, toId, gen);
  } catch {
    return null;
  }
  const baseKey = await open(keyPair, sealed, SENDER_KEY_INFO, aad);
  return baseKey !== null && baseKey.length === SENDER_KEY_LENGTH ? baseKey : null;
}
