// The media side of end-to-end encryption, off the main thread: every frame this browser sends (microphone, camera,
// screen) is encrypted with SFrame, every frame it receives is decrypted, as crypto/Appliance.Crypto/E2ee/README.md
// says. The page (senderkeys.js) gives it the keys; the frames come through RTCRtpScriptTransform ("rtctransform"
// events) or, in browsers that only have createEncodedStreams, as streams posted by the page.
'use strict';

import { SframeSender, SframeKeyRing, splitKid, unprotect, unprotectVideoFrame } from './sframe.js';

// Receivers keep a sender's previous generation this long after the first frame of a newer one (the contract).
const KEEP_PREVIOUS_MS = 10000;

const sender = new SframeSender();
const ring = new SframeKeyRing();
let hasSendKey = false;
// Encrypting until told otherwise: a frame that comes before the roster is dropped, never sent in clear.
let enabled = true;
let tamperNext = 0;

// senderIndex → { latest: full generation, forgetting: whether older ones are already scheduled to go }
const generations = new Map();

const counters = {
  encrypted: 0,
  decrypted: 0,
  sentInClear: 0,
  receivedInClear: 0,
  dropped: { noSendKey: 0, undecryptable: 0, tampered: 0, malformed: 0, tooShort: 0, replayed: 0 },
  byKind: { audio: { encrypted: 0, decrypted: 0 }, video: { encrypted: 0, decrypted: 0 } },
};

self.addEventListener('message', (event) => {
  const message = event.data;
  switch (message?.type) {
    case 'mode':
      enabled = Boolean(message.enabled);
      break;
    case 'send-key':
      // The counter of each KID lives in the one SframeSender, so a generation coming back to the same KID (gen mod
      // 256) never repeats a nonce.
      sender.setKey(message.baseKey, message.senderIndex, message.gen).then(() => { hasSendKey = true; }, reportError);
      break;
    case 'receive-key':
      addReceiveKey(message.senderIndex, message.gen, message.baseKey).catch(reportError);
      break;
    case 'stream':
      pipe(message.readable, message.writable, message.options);
      break;
    case 'stats':
      self.postMessage({ type: 'stats', id: message.id, counters: structuredClone(counters) });
      break;
    case 'tamper':
      tamperNext = Math.max(0, Number(message.count) || 0);
      break;
  }
});

// RTCRtpScriptTransform: one event per sender or receiver the page attached.
self.addEventListener('rtctransform', (event) => {
  const transformer = event.transformer;
  pipe(transformer.readable, transformer.writable, transformer.options);
});

async function addReceiveKey(senderIndex, gen, baseKey) {
  await ring.add(senderIndex, gen, baseKey);
  const known = generations.get(senderIndex);
  if (!known || gen > known.latest) generations.set(senderIndex, { latest: gen, forgetting: false });
}

function pipe(readable, writable, options) {
  const transform = options.direction === 'send' ? (frame, controller) => encrypt(frame, controller, options) : (frame, controller) => decrypt(frame, controller, options);
  readable.pipeThrough(new TransformStream({ transform })).pipeTo(writable).catch(() => {
    // The sender or receiver went away (renegotiation, a new connection): nothing to keep.
  });
}

async function encrypt(frame, controller, options) {
  if (!enabled) {
    counters.sentInClear += 1;
    controller.enqueue(frame);
    return;
  }
  // Never send in clear while the meeting is encrypted: without a key yet, the frame is dropped.
  if (!hasSendKey) {
    counters.dropped.noSendKey += 1;
    return;
  }
  const data = new Uint8Array(frame.data);
  let protectedFrame;
  try {
    protectedFrame = options.kind === 'video'
      ? await sender.protectVideoFrame(options.stream, data, isKeyFrame(frame, data))
      : await sender.protect(options.stream, data);
  } catch (error) {
    reportError(error);
    protectedFrame = null;
  }
  if (!protectedFrame) {
    counters.dropped.tooShort += 1;
    return;
  }
  frame.data = exactBuffer(protectedFrame);
  counters.encrypted += 1;
  counters.byKind[options.kind === 'video' ? 'video' : 'audio'].encrypted += 1;
  controller.enqueue(frame);
}

async function decrypt(frame, controller, options) {
  if (!enabled) {
    counters.receivedInClear += 1;
    controller.enqueue(frame);
    return;
  }
  const data = new Uint8Array(frame.data);
  if (tamperNext > 0 && data.length > 32) {
    // The tests' debug switch: as if the server (or anyone on the way) changed one bit of the ciphertext.
    tamperNext -= 1;
    data[data.length - 20] ^= 0x01;
  }
  const lookup = (kid) => ring.lookup(kid);
  let result;
  try {
    result = options.kind === 'video'
      ? await unprotectVideoFrame(lookup, data, isKeyFrame(frame, data))
      : await unprotect(lookup, data);
  } catch {
    result = { ok: false, reason: 'malformed' };
  }
  if (!result.ok) {
    const reason = result.reason === 'unknown-kid' ? 'undecryptable' : result.reason === 'tampered' ? 'tampered' : 'malformed';
    counters.dropped[reason] += 1;
    return;
  }
  // A frame the server (or anyone on the way) sends again authenticates like the first time: the counter tells.
  if (!ring.acceptCounter(result.kid, result.ctr)) {
    counters.dropped.replayed += 1;
    return;
  }
  noteGeneration(result.kid);
  frame.data = exactBuffer(result.plaintext);
  counters.decrypted += 1;
  counters.byKind[options.kind === 'video' ? 'video' : 'audio'].decrypted += 1;
  controller.enqueue(frame);
}

// The first frame of a sender's newest generation starts the 10 s after which the older ones are forgotten.
function noteGeneration(kid) {
  const { senderIndex, gen } = splitKid(kid);
  const known = generations.get(senderIndex);
  if (!known || known.forgetting || known.latest % 256 !== gen) return;
  known.forgetting = true;
  const latest = known.latest;
  setTimeout(() => ring.forgetOlderThan(senderIndex, latest), KEEP_PREVIOUS_MS);
}

// RTCEncodedVideoFrame says it; the VP8 frame tag says it too (RFC 6386 §9.1: bit 0 clear on a key frame).
function isKeyFrame(frame, data) {
  if (frame.type === 'key') return true;
  if (frame.type === 'delta') return false;
  return data.length > 0 && (data[0] & 0x01) === 0;
}

function exactBuffer(bytes) {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
}

function reportError(error) {
  self.postMessage({ type: 'error', message: String(error?.message ?? error) });
}
