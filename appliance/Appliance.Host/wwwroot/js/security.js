// The meeting's end-to-end encryption as people see it: a locked or open padlock with what is true now ("End-to-end
// encrypted", or whose browser cannot), the security code to compare aloud (read digit by digit by screen readers), and
// "We compared the code", which resets, with an announcement, whenever the code changes.
'use strict';

import { digitsForSpeech } from './e2ee/code.js';

export class SecurityIndicator {
  #t;
  #el;
  #code = null;
  #shown = false;
  #encrypted = null;

  /**
   * @param {(key: string, ...args: unknown[]) => string} t
   * @param {{ box: HTMLElement, locked: HTMLElement, open: HTMLElement, text: HTMLElement, codeBox: HTMLElement,
   *   code: HTMLElement, compared: HTMLInputElement, announce: HTMLElement }} elements
   */
  constructor(t, elements) {
    this.#t = t;
    this.#el = elements;
  }

  /**
   * Shows the state of the roster.
   * @param {{ supported: boolean, enabled: boolean, roster: Array<{ displayName: string, publicKey: string|null }>,
   *   code: string|null }} state
   */
  update({ supported, enabled, roster, code }) {
    const el = this.#el;
    el.box.hidden = false;
    const encrypted = supported && enabled && code !== null;
    el.locked.hidden = !encrypted;
    el.open.hidden = encrypted;
    el.box.classList.toggle('e2ee-off', !encrypted);
    if (encrypted) {
      el.text.textContent = this.#t('room.e2ee.on');
    } else if (!supported) {
      el.text.textContent = this.#t('room.e2ee.off.self');
    } else {
      const names = roster.filter((p) => !p.publicKey).map((p) => p.displayName);
      el.text.textContent = names.length > 0 ? this.#t('room.e2ee.off', names.join(', ')) : this.#t('room.e2ee.off.pending');
    }

    // Losing (or regaining) encryption is said aloud too, not only shown.
    if (this.#encrypted !== null && this.#encrypted !== encrypted) el.announce.textContent = el.text.textContent;
    this.#encrypted = encrypted;

    el.codeBox.hidden = !encrypted;
    if (!encrypted || code === this.#code) return;
    const changed = this.#code !== null && this.#shown;
    this.#code = code;
    this.#shown = true;
    el.code.textContent = code;
    el.code.setAttribute('aria-label', digitsForSpeech(code));
    el.compared.checked = false;
    if (changed) el.announce.textContent = this.#t('room.e2ee.code.changed', digitsForSpeech(code));
  }
}
