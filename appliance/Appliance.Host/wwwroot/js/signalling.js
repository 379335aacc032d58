// The signalling client (see appliance/Appliance.Host/Signalling/PROTOCOL.md): one WebSocket per participant, versioned
// JSON messages. It sends the hello (join ticket first, resume token after a drop), reconnects with backoff while the
// server still keeps the participant's place, and hands every message to the handlers registered for its type. The media
// client registers for "offer" and sends "answer" through the same instance.
'use strict';

export const PROTOCOL_VERSION = 1;

// After these the participant is out of the meeting: never reconnect.
const FINAL_TYPES = new Set(['ended', 'removed', 'rejected']);
const FINAL_ERRORS = new Set([
  'invalid-ticket', 'invalid-resume', 'hello-timeout', 'meeting-cancelled', 'meeting-ended', 'meeting-over', 'too-early',
  'meeting-locked', 'meeting-full', 'refused', 'replaced', 'too-many-invalid', 'e2ee-required',
]);
// Close codes after which reconnecting would not help (normal end, policy, too big, replaced by another window).
const FINAL_CLOSE_CODES = new Set([1000, 1008, 1009, 4000]);

/**
 * Events besides the server's message types: "open" (socket open), "close" ({ code, reason }), "reconnecting"
 * ({ attempt, delay }), "failed" (gave up reconnecting), "resume-failed" (the server no longer knows the place: load the
 * page again for a new ticket).
 */
export class SignallingClient {
  #url;
  #ticket;
  #beforeHello;
  #socket = null;
  #handlers = new Map();
  #resumeToken = null;
  #lastChat = 0;
  #attempt = 0;
  #timer = null;
  #finished = false;
  #giveUpAt = 0;
  #reconnectWindowMs = 30000;
  #nextId = 1;

  /**
   * @param {{ url: string, ticket: string, beforeHello?: (resuming: boolean) => Promise<object> }} options
   * beforeHello runs before every hello (the first and each resume) and returns extra hello fields: the media client
   * builds its RTCPeerConnection there and gives its DTLS fingerprint.
   */
  constructor({ url, ticket, beforeHello }) {
    this.#url = url;
    this.#ticket = ticket;
    this.#beforeHello = beforeHello ?? (async () => ({}));
  }

  /** The current resume token (null before the first welcome). */
  get resumeToken() { return this.#resumeToken; }

  /** True once the participant is out of the meeting (left, removed, rejected, ended, refused). */
  get finished() { return this.#finished; }

  /** Registers a handler for a message type or client event; returns a function that removes it. */
  on(type, handler) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(handler);
    return () => this.#handlers.get(type)?.delete(handler);
  }

  /** Opens the connection and sends the hello. */
  connect() {
    this.#finished = false;
    this.#open();
  }

  /**
   * Sends a message of the given type with the given fields; returns its client id (echoed in an error about it), or
   * null when the socket is not open.
   */
  send(type, fields = {}) {
    if (!this.#socket || this.#socket.readyState !== WebSocket.OPEN) return null;
    const id = String(this.#nextId++);
    this.#socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type, id, ...fields }));
    return id;
  }

  /**
   * Drops the connection and comes back at once with the resume token, as after a network failure: the media client
   * uses it when its own connection failed, to get a new media session.
   */
  restart() {
    if (this.#finished || !this.#resumeToken || !this.#socket) return;
    const socket = this.#socket;
    this.#socket = null;
    socket.close(4001, 'restart');
    this.#emit('close', { code: 4001, reason: 'restart' });
    this.#reconnect();
  }

  /** Leaves the meeting for good. */
  leave() {
    this.send('leave');
    this.#finish();
  }

  #open() {
    clearTimeout(this.#timer);
    const socket = new WebSocket(new URL(this.#url, location.href).href.replace(/^http/, 'ws'));
    this.#socket = socket;
    socket.addEventListener('open', async () => {
      const resuming = Boolean(this.#resumeToken);
      const hello = resuming ? { resume: this.#resumeToken, lastChat: this.#lastChat } : { ticket: this.#ticket };
      let extra = {};
      try {
        extra = await this.#beforeHello(resuming);
      } catch (error) {
        console.warn('Preparing the hello failed; entering without media.', error);
      }
      if (this.#socket !== socket || socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', ...hello, ...extra }));
      this.#emit('open', {});
    });
    socket.addEventListener('message', (event) => this.#receive(event.data));
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#emit('close', { code: event.code, reason: event.reason });
      if (this.#finished || FINAL_CLOSE_CODES.has(event.code)) {
        this.#finished = true;
        return;
      }
      this.#reconnect();
    });
  }

  #receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!message || message.v !== PROTOCOL_VERSION || typeof message.type !== 'string') return;
    switch (message.type) {
      case 'welcome':
        this.#resumeToken = message.resumeToken;
        this.#reconnectWindowMs = (message.reconnectWithinSeconds || 30) * 1000;
        this.#attempt = 0;
        this.#giveUpAt = 0;
        break;
      case 'chat':
        this.#lastChat = Math.max(this.#lastChat, message.seq);
        break;
      case 'error':
        if (message.code === 'invalid-resume') {
          this.#finish();
          this.#emit(message.type, message);
          this.#emit('resume-failed', message);
          return;
        }
        if (FINAL_ERRORS.has(message.code)) this.#finish();
        break;
      default:
        if (FINAL_TYPES.has(message.type)) this.#finish();
    }
    this.#emit(message.type, message);
  }

  #reconnect() {
    const now = Date.now();
    if (!this.#giveUpAt) this.#giveUpAt = now + this.#reconnectWindowMs;
    if (now >= this.#giveUpAt) {
      this.#finished = true;
      this.#emit('failed', {});
      return;
    }
    // 0.5 s, 1 s, 2 s, 4 s, then every 5 s, with jitter so that a whole room does not come back at the same instant.
    const base = Math.min(500 * 2 ** this.#attempt, 5000);
    const delay = Math.min(base / 2 + Math.random() * base / 2, Math.max(0, this.#giveUpAt - now));
    this.#attempt += 1;
    this.#emit('reconnecting', { attempt: this.#attempt, delay });
    this.#timer = setTimeout(() => this.#open(), delay);
  }

  #finish() {
    this.#finished = true;
    clearTimeout(this.#timer);
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
