// The chat: messages shown in the order of their seq (a resume delivers missed ones, maybe twice), in a live region.
'use strict';

export class Chat {
  #log;
  #seen = new Set();
  #timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: '2-digit', minute: '2-digit' });

  /**
   * @param {HTMLOListElement} log
   * @param {HTMLFormElement} form
   * @param {HTMLTextAreaElement} field
   * @param {(text: string) => boolean | Promise<boolean>} send true when the message went out (sealing it for an
   *   end-to-end encrypted meeting takes a moment)
   */
  constructor(log, form, field, send) {
    this.#log = log;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = field.value;
      if (!text.trim()) return;
      Promise.resolve(send(text)).then((sent) => {
        // Only what was sent is cleared, not what the person typed meanwhile.
        if (sent && field.value === text) field.value = '';
      });
    });
    // Enter sends, Shift+Enter makes a new line: what people expect from a chat box.
    field.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  /** Adds a chat message from the server, in seq order, once. */
  add(message) {
    if (this.#seen.has(message.seq)) return;
    this.#seen.add(message.seq);
    const item = document.createElement('li');
    item.dataset.seq = String(message.seq);
    const who = document.createElement('strong');
    who.textContent = message.displayName;
    const when = document.createElement('time');
    when.dateTime = message.at;
    when.textContent = ` ${this.#timeFormat.format(new Date(message.at))}: `;
    const text = document.createElement('span');
    text.className = 'chat-text';
    text.textContent = message.text;
    item.append(who, when, text);
    const later = [...this.#log.children].find((li) => Number(li.dataset.seq) > message.seq);
    this.#log.insertBefore(item, later ?? null);
    this.#log.scrollTop = this.#log.scrollHeight;
  }
}
