// The browser's media connection to the appliance (PROTOCOL.md, "Media"). The server offers, the browser answers:
// mids 0, 1 and 2 carry this browser's microphone, camera and screen to the server; every later mid is a slot the
// server fills with someone else's camera, screen or microphone, named by "media-slots". The RTCPeerConnection is
// built before each hello, because the server pins its certificate's fingerprint; after a resume it is a new one.
'use strict';

const OWN = { 0: 'audio', 1: 'video', 2: 'screen' };
// The SFrame stream of each own track (crypto/Appliance.Crypto/E2ee/README.md, "Keys").
const STREAM_OF = { audio: 'microphone', video: 'camera', screen: 'screen' };
const MID_OF = { audio: '0', video: '1', screen: '2' };
// A connection that stays "disconnected" this long, or fails, is started afresh through a signalling resume.
const RESTART_AFTER_MS = 6000;

/**
 * Events (on(type, handler)): "tracks" (the remote tracks changed), "slots" (who each slot shows changed), "speakers"
 * ({ order, dominant }), "state" (the connection's state: new, connecting, connected, disconnected, failed, closed).
 */
export class MediaConnection {
  #client;
  #keys;
  #pc = null;
  #local = { audio: null, video: null, screen: null };
  #stream = new MediaStream();
  #chain = Promise.resolve();
  #slots = new Map();
  #handlers = new Map();
  #restartTimer = null;
  #restarts = [];
  #state = 'new';

  /**
   * @param {import('./signalling.js').SignallingClient} client
   * @param {import('./e2ee/senderkeys.js').SenderKeys | null} keys end-to-end encryption of every frame sent and
   *   received; null when this browser cannot do it
   */
  constructor(client, keys = null) {
    this.#client = client;
    this.#keys = keys;
    client.on('offer', (offer) => {
      const pc = this.#pc;
      this.#chain = this.#chain.then(() => this.#answer(pc, offer)).catch((error) => {
        console.warn('Answering the media offer failed', error);
        this.#scheduleRestart(0);
      });
    });
    client.on('media-slots', (message) => {
      this.#slots = new Map(message.slots.map((s) => [s.mid, s]));
      this.#emit('slots');
    });
    client.on('speakers', (message) => this.#emit('speakers', message));
  }

  /** Registers a handler; returns a function that removes it. */
  on(type, handler) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(handler);
    return () => this.#handlers.get(type)?.delete(handler);
  }

  /** The connection's state. */
  get state() { return this.#state; }

  /** The local tracks that are sent (null where there is none). */
  get local() { return { ...this.#local }; }

  /**
   * Closes the current connection and builds a new one with a new certificate; returns the hello fields that give the
   * server its fingerprint, or none when this browser cannot do WebRTC (the person then takes part without media).
   */
  async prepare() {
    this.close();
    if (typeof RTCPeerConnection === 'undefined' || !RTCPeerConnection.generateCertificate) return {};
    const certificate = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    const fingerprint = certificate.getFingerprints().find((f) => f.algorithm === 'sha-256');
    if (!fingerprint) return {};
    const pc = new RTCPeerConnection({
      certificates: [certificate],
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
      ...(this.#keys?.peerConnectionOptions() ?? {}),
    });
    this.#pc = pc;
    this.#chain = Promise.resolve();
    this.#slots = new Map();
    pc.addEventListener('track', (event) => {
      if (!(event.transceiver.mid in OWN)) this.#emit('tracks');
      event.track.addEventListener('ended', () => this.#emit('tracks'));
    });
    pc.addEventListener('connectionstatechange', () => this.#onState(pc));
    this.#setState('connecting');
    this.#emit('tracks');
    this.#emit('slots');
    return { dtlsFingerprint: fingerprint.value.toUpperCase() };
  }

  /** Stops the connection (leaving, removed, ended). Local tracks are the caller's. */
  close() {
    clearTimeout(this.#restartTimer);
    if (!this.#pc) return;
    const pc = this.#pc;
    this.#pc = null;
    pc.close();
    this.#setState('closed');
    this.#emit('tracks');
  }

  /** Sets the track sent for "audio", "video" or "screen" (null for none); a new offer makes a new direction count. */
  async setTrack(kind, track) {
    this.#local[kind] = track;
    for (const old of this.#stream.getTracks()) this.#stream.removeTrack(old);
    for (const t of [this.#local.audio, this.#local.video, this.#local.screen]) if (t) this.#stream.addTrack(t);
    const transceiver = this.#transceiver(MID_OF[kind]);
    if (transceiver && !transceiver.stopped) await transceiver.sender.replaceTrack(track);
  }

  /**
   * The remote tracks now: one per live slot m-section, with whom it shows (media-slots) and its kind ("audio",
   * "video" or "screen").
   */
  remoteTracks() {
    const pc = this.#pc;
    if (!pc) return [];
    const result = [];
    for (const t of pc.getTransceivers()) {
      if (t.mid === null || t.mid in OWN || t.stopped || t.currentDirection === 'inactive' || t.currentDirection === 'stopped') continue;
      const track = t.receiver.track;
      if (!track || track.readyState === 'ended') continue;
      const slot = this.#slots.get(t.mid);
      result.push({ mid: t.mid, kind: slot?.kind ?? track.kind, participantId: slot?.participantId ?? null, track });
    }
    return result;
  }

  /**
   * Per remote track: mid, kind, participantId, packetsReceived, framesDecoded, bytesReceived (for the tests' debug
   * hook and for a connection-quality view).
   */
  async stats() {
    const pc = this.#pc;
    if (!pc) return [];
    const report = await pc.getStats();
    const midOfTrack = new Map(pc.getTransceivers().filter((t) => t.mid !== null).map((t) => [t.receiver.track.id, t.mid]));
    const result = [];
    for (const s of report.values()) {
      if (s.type !== 'inbound-rtp') continue;
      const mid = s.mid ?? midOfTrack.get(s.trackIdentifier) ?? null;
      if (mid === null || mid in OWN) continue;
      const slot = this.#slots.get(mid);
      result.push({
        mid,
        kind: slot?.kind ?? s.kind,
        participantId: slot?.participantId ?? null,
        packetsReceived: s.packetsReceived ?? 0,
        framesDecoded: s.framesDecoded ?? 0,
        bytesReceived: s.bytesReceived ?? 0,
      });
    }
    return result;
  }

  /**
   * The selected ICE candidate pair's transport: { localProtocol, remoteProtocol } ('udp' or 'tcp'), or null before
   * one is selected (for the tests' debug hook: an ICE-TCP call must say tcp).
   */
  async selectedPath() {
    const pc = this.#pc;
    if (!pc) return null;
    const report = await pc.getStats();
    let pairId = null;
    for (const s of report.values()) {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    }
    const pair = pairId ? report.get(pairId) : null;
    if (!pair) return null;
    return {
      localProtocol: report.get(pair.localCandidateId)?.protocol ?? null,
      remoteProtocol: report.get(pair.remoteCandidateId)?.protocol ?? null,
    };
  }

  // Answers one offer on the connection it was meant for; a newer connection ignores its predecessor's offers.
  async #answer(pc, offer) {
    if (!pc || pc !== this.#pc || pc.signalingState === 'closed') return;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    // Before any frame flows: every sender encrypts, every receiver (whatever slot it becomes) decrypts.
    for (const transceiver of this.#keys ? pc.getTransceivers() : []) {
      if (transceiver.mid === null || transceiver.stopped) continue;
      const own = OWN[transceiver.mid];
      if (own) this.#keys.attachSender(transceiver.sender, own === 'audio' ? 'audio' : 'video', STREAM_OF[own]);
      else this.#keys.attachReceiver(transceiver.receiver, transceiver.receiver.track.kind);
    }
    for (const transceiver of pc.getTransceivers()) {
      const kind = OWN[transceiver.mid];
      if (!kind || transceiver.stopped || transceiver.currentDirection === 'stopped') continue;
      const track = this.#local[kind];
      await transceiver.sender.replaceTrack(track);
      if (track && transceiver.sender.setStreams) transceiver.sender.setStreams(this.#stream);
      transceiver.direction = track ? 'sendonly' : 'inactive';
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (pc !== this.#pc) return;
    this.#client.send('answer', { revision: offer.revision, sdp: pc.localDescription.sdp });
    this.#emit('tracks');
  }

  #transceiver(mid) {
    return this.#pc?.getTransceivers().find((t) => t.mid === mid) ?? null;
  }

  #onState(pc) {
    if (pc !== this.#pc) return;
    const state = pc.connectionState;
    this.#setState(state);
    if (state === 'connected') clearTimeout(this.#restartTimer);
    else if (state === 'failed') this.#scheduleRestart(0);
    else if (state === 'disconnected') this.#scheduleRestart(RESTART_AFTER_MS);
  }

  // A media connection that cannot recover gets a new one: the signalling connection resumes, and the server starts a
  // new media session for the new RTCPeerConnection.
  #scheduleRestart(delay) {
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      if (!this.#pc || this.#pc.connectionState === 'connected') return;
      // Three attempts a minute at most: past that the network (or the server) is broken, and chat still works.
      const now = Date.now();
      this.#restarts = this.#restarts.filter((at) => now - at < 60000);
      if (this.#restarts.length >= 3) {
        this.#setState('failed');
        return;
      }
      this.#restarts.push(now);
      this.#client.restart();
    }, delay);
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.#emit('state', state);
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
