// This page's side of end-to-end encryption (crypto/Appliance.Crypto/E2ee/README.md): its X25519 key pair, its sender
// key of each generation (sealed with HPKE to every other participant, used 500 ms later), the other participants'
// sender keys it opens, and the worker (worker.js) that encrypts and decrypts every media frame. Chat is sealed and
// opened here, on stream 3 of the same sender keys.
'use strict';

import { generateKeyPair, sealSenderKey, openSenderKey } from './hpke.js';
import { SframeSender, SframeKeyRing, STREAM, unprotect } from './sframe.js';
import { securityCode } from './code.js';
import { encode, decode } from './base64url.js';

// The contract: a sender starts encrypting with a new key this long after sending it, so that it has arrived.
const SWITCH_AFTER_MS = 500;
// How long a chat message waits for the key that opens it (it may come just behind the message).
const CHAT_KEY_WAIT_MS = 3000;
const BASE_KEY_LENGTH = 32;

/** True when this browser can encrypt frames (an encoded transform) and has X25519 in WebCrypto. */
export async function canEncrypt() {
  const transform = typeof window.RTCRtpScriptTransform === 'function'
    || (typeof window.RTCRtpSender === 'function' && typeof window.RTCRtpSender.prototype.createEncodedStreams === 'function');
  if (!transform || !globalThis.crypto?.subtle) return false;
  try {
    await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Events (on(type, handler)): "change" (the roster's encryption state or this page's keys changed), "key" (a sender key
 * of someone else arrived).
 */
export class SenderKeys {
  #keyPair;
  #worker;
  #scriptTransform;
  #client = null;
  #me = null;
  #meetingId = null;
  #roster = [];
  #e2ee = { enabled: false, required: false, epoch: 0 };
  #handledEpoch = null;
  #gen = -1;
  #sendingGen = -1;
  #chatSender = new SframeSender();
  #chatRing = new SframeKeyRing();
  #pendingKeys = [];
  #attached = new WeakSet();
  #handlers = new Map();
  #statsRequests = new Map();
  #nextStats = 1;
  #keysRefused = 0;
  #heldKeys = [];

  constructor(keyPair) {
    this.#keyPair = keyPair;
    this.#scriptTransform = typeof window.RTCRtpScriptTransform === 'function';
    // A module worker from our own origin: allowed by script-src 'self', no inline code.
    this.#worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'e2ee' });
    this.#worker.addEventListener('message', (event) => this.#fromWorker(event.data));
  }

  /** A new page's keys, or null when this browser cannot take part end-to-end encrypted. */
  static async create() {
    if (!(await canEncrypt())) return null;
    return new SenderKeys(await generateKeyPair());
  }

  /** Registers a handler; returns a function that removes it. */
  on(type, handler) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(handler);
    return () => this.#handlers.get(type)?.delete(handler);
  }

  /** The signalling client the sealed keys go out on. */
  bind(client) {
    this.#client = client;
  }

  /** The hello's field: this page's public key (kept across resumes of the page). */
  helloFields() {
    return { e2eePublicKey: encode(this.#keyPair.publicKey) };
  }

  /** What RTCPeerConnection needs for the transform this browser has. */
  peerConnectionOptions() {
    return this.#scriptTransform ? {} : { encodedInsertableStreams: true };
  }

  /** The roster's encryption state: { enabled, required, epoch }. */
  get state() { return { ...this.#e2ee }; }

  /** From the welcome: who this page is, in which meeting. After a resume, keys sent meanwhile may be lost: a new one goes out. */
  welcome(message) {
    const resumed = this.#me === message.participantId;
    this.#me = message.participantId;
    this.#meetingId = message.meeting.id;
    if (resumed) this.#handledEpoch = null;
  }

  /** A new roster: on every new epoch (and when someone comes back after a drop, who may have missed keys) a new key. */
  roster(participants, e2ee) {
    const wasAway = new Set(this.#roster.filter((p) => !p.connected).map((p) => p.participantId));
    this.#roster = participants;
    if (e2ee) this.#e2ee = { enabled: Boolean(e2ee.enabled), required: Boolean(e2ee.required), epoch: Number(e2ee.epoch) || 0 };
    this.#worker.postMessage({ type: 'mode', enabled: this.#e2ee.enabled });
    const cameBack = participants.some((p) => p.connected && wasAway.has(p.participantId));
    const mine = participants.find((p) => p.participantId === this.#me);
    if (this.#e2ee.enabled && mine?.senderIndex && (this.#handledEpoch !== this.#e2ee.epoch || cameBack)) {
      this.#handledEpoch = this.#e2ee.epoch;
      this.#rotate(mine.senderIndex).catch((error) => console.warn('Making a new sender key failed', error));
    }
    const pending = this.#pendingKeys;
    this.#pendingKeys = [];
    for (const key of pending) this.receiveKey(key);
    this.#emit('change');
  }

  /** An e2ee-key message: someone's sender key, sealed to this page. */
  async receiveKey(message) {
    const sender = this.#roster.find((p) => p.participantId === message.from);
    if (!sender?.senderIndex) {
      // The roster that names the sender may come just after the key.
      this.#pendingKeys.push(message);
      return;
    }
    const sealed = decode(message.sealed);
    const baseKey = sealed && (await openSenderKey(this.#keyPair, sealed, this.#meetingId, message.from, this.#me, message.gen));
    if (!baseKey) {
      this.#keysRefused += 1;
      return;
    }
    this.#worker.postMessage({ type: 'receive-key', senderIndex: sender.senderIndex, gen: message.gen, baseKey });
    await this.#chatRing.add(sender.senderIndex, message.gen, baseKey);
    // Test runs only (an init script sets the flag): the keys this page held, to show they open nothing sent later.
    if (globalThis.applianceTestHooks?.keepKeys) {
      this.#heldKeys.push({ from: message.from, senderIndex: sender.senderIndex, gen: message.gen, baseKey: encode(baseKey) });
    }
    this.#emit('key');
  }

  /** Attaches the encrypting transform to one of this page's senders (stream: "microphone", "camera" or "screen"). */
  attachSender(sender, kind, stream) {
    this.#attach(sender, { direction: 'send', kind, stream: STREAM[stream] });
  }

  /** Attaches the decrypting transform to a receiver; the KID of each frame says whose key it needs. */
  attachReceiver(receiver, kind) {
    this.#attach(receiver, { direction: 'receive', kind });
  }

  /** Seals a chat text with this page's current sender key; null before it has one. */
  async sealChat(text) {
    if (this.#sendingGen < 0) {
      await this.#waitFor('sending', CHAT_KEY_WAIT_MS);
      if (this.#sendingGen < 0) return null;
    }
    const frame = await this.#chatSender.protect(STREAM.chat, new TextEncoder().encode(text), new TextEncoder().encode(this.#meetingId));
    return encode(frame);
  }

  /** Opens a sealed chat message; null when it does not open (no key for it, or altered). */
  async openChat(sealedText) {
    const frame = decode(sealedText);
    if (!frame) return null;
    const metadata = new TextEncoder().encode(this.#meetingId);
    const deadline = Date.now() + CHAT_KEY_WAIT_MS;
    for (;;) {
      const result = await unprotect((kid) => this.#chatRing.lookup(kid), frame, metadata);
      if (result.ok) return new TextDecoder('utf-8', { fatal: false }).decode(result.plaintext);
      if (result.reason !== 'unknown-kid' || Date.now() >= deadline) return null;
      await this.#waitFor('key', deadline - Date.now());
    }
  }

  /** The security code of the roster's keys and epoch; null while the meeting is not end-to-end encrypted. */
  async securityCode() {
    if (!this.#e2ee.enabled) return null;
    const keys = this.#roster.map((p) => decode(p.publicKey ?? ''));
    if (keys.some((key) => !key || key.length !== 32)) return null;
    return securityCode(this.#e2ee.epoch, keys);
  }

  /** The worker's counters and this page's key state, for the debug hook. */
  async stats() {
    const id = this.#nextStats++;
    const counters = await new Promise((resolve) => {
      this.#statsRequests.set(id, resolve);
      this.#worker.postMessage({ type: 'stats', id });
    });
    const senderIndex = this.#roster.find((p) => p.participantId === this.#me)?.senderIndex ?? null;
    return { ...counters, enabled: this.#e2ee.enabled, epoch: this.#e2ee.epoch, senderIndex, generation: this.#sendingGen, keysRefused: this.#keysRefused };
  }

  /** Debug switch: flip one bit in each of the next count received frames before decrypting them. */
  tamper(count) {
    this.#worker.postMessage({ type: 'tamper', count });
  }

  /** With applianceTestHooks.keepKeys set before the page loaded: the sender keys this page opened. */
  heldKeys() {
    return this.#heldKeys.map((k) => ({ ...k }));
  }

  async #rotate(senderIndex) {
    const gen = ++this.#gen;
    const baseKey = crypto.getRandomValues(new Uint8Array(BASE_KEY_LENGTH));
    const others = this.#roster.filter((p) => p.participantId !== this.#me && p.publicKey);
    await Promise.all(others.map(async (p) => {
      const publicKey = decode(p.publicKey);
      if (!publicKey) return;
      const sealed = await sealSenderKey(publicKey, this.#meetingId, this.#me, p.participantId, gen, baseKey);
      this.#client?.send('e2ee-key', { to: p.participantId, gen, sealed: encode(sealed) });
    }));
    setTimeout(async () => {
      // A newer key made meanwhile wins; this one was never used.
      if (this.#gen !== gen) return;
      this.#worker.postMessage({ type: 'send-key', baseKey, senderIndex, gen });
      await this.#chatSender.setKey(baseKey, senderIndex, gen);
      // The server sends everyone's chat back to its sender too.
      await this.#chatRing.add(senderIndex, gen, baseKey);
      this.#sendingGen = gen;
      this.#emit('sending');
      this.#emit('change');
    }, SWITCH_AFTER_MS);
  }

  #attach(endpoint, options) {
    if (!endpoint || this.#attached.has(endpoint)) return;
    this.#attached.add(endpoint);
    if (this.#scriptTransform) {
      endpoint.transform = new RTCRtpScriptTransform(this.#worker, options);
      return;
    }
    const { readable, writable } = endpoint.createEncodedStreams();
    this.#worker.postMessage({ type: 'stream', readable, writable, options }, [readable, writable]);
  }

  #fromWorker(message) {
    if (message?.type === 'stats') {
      this.#statsRequests.get(message.id)?.(message.counters);
      this.#statsRequests.delete(message.id);
    } else if (message?.type === 'error') {
      console.warn('E2EE worker:', message.message);
    }
  }

  #waitFor(type, ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { off(); resolve(); }, Math.max(0, ms));
      const off = this.on(type, () => { clearTimeout(timer); off(); resolve(); });
    });
  }

  #emit(type, payload) {
    for (const handler of this.#handlers.get(type) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        console.error(error);
      }
    }
  }
}
