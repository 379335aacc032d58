// A small hook for the browser tests (and for a person debugging a call from the console): what each remote track has
// received, the end-to-end encryption counters, and a way to drop the connection as a network failure would. Set from
// this module, because the Content-Security-Policy allows no inline script.
'use strict';

/**
 * @param {import('./media.js').MediaConnection} media
 * @param {{ participantId: () => string|null, reconnect: () => void, keys: import('./e2ee/senderkeys.js').SenderKeys|null }} room
 *   this browser's participant id (null before the welcome), a reconnect that drops the signalling connection and
 *   resumes with a new media connection, and the page's end-to-end encryption (null when the browser cannot)
 */
export function expose(media, { participantId, reconnect, keys }) {
  window.applianceDebug = Object.freeze({
    /** Per remote track: { mid, kind, participantId, packetsReceived, framesDecoded, bytesReceived }. */
    stats: async () => media.stats(),
    /** The selected candidate pair's { localProtocol, remoteProtocol }, or null before one is selected. */
    selectedPath: async () => media.selectedPath(),
    /** The media connection's state. */
    state: () => media.state,
    /** This browser's participant id. */
    participantId,
    /** Drops the connection and resumes, as after a network failure. */
    reconnect,
    /**
     * End-to-end encryption: null when this browser cannot; else frames encrypted and decrypted, dropped by reason
     * (undecryptable, tampered, malformed, replayed, noSendKey, tooShort), the roster's epoch and this page's key generation.
     */
    e2ee: async () => (keys ? keys.stats() : null),
    /** Flips one bit in each of the next count frames received, before they are decrypted (they must be refused). */
    tamper: (count) => keys?.tamper(count),
    /** The sender keys this page opened; only when an init script set applianceTestHooks.keepKeys (tests). */
    heldKeys: () => (keys ? keys.heldKeys() : []),
  });
}
