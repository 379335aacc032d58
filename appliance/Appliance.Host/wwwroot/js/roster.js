// The roster as this page holds it (PROTOCOL.md, "roster" and "roster-update"): the whole list from the welcome, from
// "roster" after an admission or on request, and each "roster-update" applied on top of it in revision order. The
// security code is computed from this list, so it must be complete: an update that does not follow the revision held
// (a lost message) is not applied, and the page asks for the whole roster again.
'use strict';

// A page that asked for the whole roster asks again only after this long (the answer may have been refused).
const ASK_AGAIN_MS = 2000;

const isId = (value) => typeof value === 'string' && value.length > 0 && value.length <= 64;
const isEntry = (value) => Boolean(value) && typeof value === 'object' && !Array.isArray(value) && isId(value.participantId);
const isRevision = (value) => Number.isSafeInteger(value) && value >= 0;
const isEncryption = (value) => Boolean(value) && typeof value === 'object' && !Array.isArray(value);

export class Roster {
  #participants = [];
  #e2ee = null;
  #revision = null;
  #askedAt = null;

  /** The admitted participants in order of admission (a new array after every change; entries are never mutated). */
  get participants() { return this.#participants; }

  /** The encryption state that goes with the list: { enabled, required, epoch }, or null before any roster. */
  get e2ee() { return this.#e2ee; }

  /** The revision held (null before any roster). */
  get revision() { return this.#revision; }

  /** True while the page waits for the whole roster after a lost or malformed update. */
  get stale() { return this.#askedAt !== null; }

  /**
   * The whole list (welcome: roster, rosterRevision, e2ee; roster: participants, revision, e2ee); the server's word on
   * a new connection, so it replaces whatever was held. False (nothing changed) when it is not a list of entries.
   */
  replace(participants, e2ee, revision) {
    if (!Array.isArray(participants) || !participants.every(isEntry)) return false;
    this.#participants = [...participants];
    if (isEncryption(e2ee)) this.#e2ee = e2ee;
    this.#revision = isRevision(revision) ? revision : null;
    this.#askedAt = null;
    return true;
  }

  /**
   * A roster-update: "applied" (the list changed), "old" (already held; ignored), "ask" (a revision is missing or the
   * message is malformed: the caller sends roster-request; updates are ignored until the whole roster comes) or "wait"
   * (ignored: the whole roster was asked for just now).
   */
  apply(update, now = Date.now()) {
    const { revision, participants, removed, e2ee } = update ?? {};
    const wellFormed = isRevision(revision) && Array.isArray(participants) && participants.every(isEntry)
      && Array.isArray(removed) && removed.every(isId) && isEncryption(e2ee);
    if (wellFormed && this.#revision !== null && revision <= this.#revision) return 'old';
    if (!wellFormed || this.stale || this.#revision === null || revision !== this.#revision + 1) return this.#ask(now);
    const gone = new Set(removed);
    const changed = new Map(participants.map((p) => [p.participantId, p]));
    const next = [];
    for (const p of this.#participants) {
      if (gone.has(p.participantId)) continue;
      next.push(changed.get(p.participantId) ?? p);
      changed.delete(p.participantId);
    }
    // Whoever is new was admitted last: the end of the list keeps the order of admission.
    next.push(...changed.values());
    this.#participants = next;
    this.#e2ee = e2ee;
    this.#revision = revision;
    return 'applied';
  }

  #ask(now) {
    if (this.#askedAt !== null && now - this.#askedAt < ASK_AGAIN_MS) return 'wait';
    this.#askedAt = now;
    return 'ask';
  }
}
