// A small hook for the browser tests (and for a person debugging a call from the console): what each remote track has
// received, and a way to drop the connection as a network failure would. Set from this module, because the
// Content-Security-Policy allows no inline script.
'use strict';

/**
 * @param {import('./media.js').MediaConnection} media
 * @param {{ participantId: () => string|null, reconnect: () => void }} room this browser's participant id (null before
 *   the welcome), and a reconnect that drops the signalling connection and resumes with a new media connection
 */
export function expose(media, { participantId, reconnect }) {
  window.applianceDebug = Object.freeze({
    /** Per remote track: { mid, kind, participantId, packetsReceived, framesDecoded, bytesReceived }. */
    stats: async () => media.stats(),
    /** The media connection's state. */
    state: () => media.state,
    /** This browser's participant id. */
    participantId,
    /** Drops the connection and resumes, as after a network failure. */
    reconnect,
  });
}
