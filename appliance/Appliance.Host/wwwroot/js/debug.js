// A small hook for the browser tests (and for a person debugging a call from the console): what each remote track has
// received. Set from this module, because the Content-Security-Policy allows no inline script.
'use strict';

/** @param {import('./media.js').MediaConnection} media */
export function expose(media) {
  window.applianceDebug = Object.freeze({
    /** Per remote track: { mid, kind, participantId, packetsReceived, framesDecoded, bytesReceived }. */
    stats: async () => media.stats(),
    /** The media connection's state. */
    state: () => media.state,
  });
}
