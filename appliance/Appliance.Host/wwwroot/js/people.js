// The participants panel (role, guest badge, hand, microphone, camera, screen, connection; for hosts: ask to unmute and
// remove) and the hosts' lobby queue (admit, turn away, the lobby messages). Built with textContent only.
'use strict';

export class People {
  #t;
  #el;
  #me = null;
  #timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: '2-digit', minute: '2-digit' });

  /**
   * @param {(key: string, ...args: unknown[]) => string} t
   * @param {(action: string, participantId: string) => void} act a host's action on someone
   */
  constructor(t, act) {
    this.#t = t;
    const $ = (id) => document.getElementById(id);
    this.#el = { roster: $('roster'), count: $('participants-count'), queue: $('queue-list'), queueEmpty: $('queue-empty'), queueCount: $('queue-count') };
    const onClick = (event) => {
      const button = event.target.closest('button[data-action]');
      if (button) act(button.dataset.action, button.dataset.participant);
    };
    this.#el.roster.addEventListener('click', onClick);
    this.#el.queue.addEventListener('click', onClick);
  }

  /** The welcome: who this browser is and whether they are a host. */
  setMe(me) {
    this.#me = me;
  }

  /** Renders the roster. */
  setRoster(participants) {
    const me = this.#me;
    this.#el.count.textContent = String(participants.length);
    this.#el.roster.replaceChildren(...participants.map((p) => {
      const item = document.createElement('li');
      item.dataset.participant = p.participantId;
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = p.displayName + (me && p.participantId === me.participantId ? ` (${this.#t('room.you')})` : '');
      const facts = [this.#t(p.role === 'host' ? 'room.role.host' : 'room.role.participant'), this.#t(p.guest ? 'room.kind.guest' : 'room.kind.staff')];
      if (p.handRaised) facts.push(this.#t('room.hand.raised'));
      if (p.audioMuted) facts.push(this.#t('room.audio.off'));
      if (p.videoMuted) facts.push(this.#t('room.video.off'));
      if (p.screenSharing) facts.push(this.#t('room.screen.on'));
      if (!p.connected) facts.push(this.#t('room.offline'));
      const details = document.createElement('span');
      details.className = 'facts';
      details.textContent = ` – ${facts.join(', ')}`;
      item.append(name, details);
      // Seen at a glance; screen readers have the same in the facts.
      if (p.guest) item.append(' ', badge(this.#t('room.badge.guest'), 'guest'));
      if (p.handRaised) item.append(' ', badge(this.#t('room.badge.hand'), 'hand'));
      if (me && me.role === 'host' && p.participantId !== me.participantId && p.role !== 'host') {
        const actions = document.createElement('div');
        actions.className = 'person-actions';
        if (p.audioMuted) actions.append(this.#button('ask-unmute', 'room.askunmute', p.displayName, p.participantId));
        actions.append(this.#button('remove', 'room.remove', p.displayName, p.participantId, 'danger'));
        item.append(actions);
      }
      return item;
    }));
  }

  /** Renders the lobby queue (hosts). */
  setQueue(waiting) {
    this.#el.queueEmpty.hidden = waiting.length > 0;
    this.#el.queueCount.textContent = String(waiting.length);
    this.#el.queue.replaceChildren(...waiting.map((w) => {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = w.displayName;
      const facts = [this.#t(w.guest ? 'room.kind.guest' : 'room.kind.staff'), this.#t('room.queue.since', this.#time(w.since))];
      if (!w.connected) facts.push(this.#t('room.offline'));
      const details = document.createElement('span');
      details.className = 'facts';
      details.textContent = ` – ${facts.join(', ')}`;
      const actions = document.createElement('div');
      actions.className = 'person-actions';
      actions.append(
        this.#button('admit', 'room.admit', w.displayName, w.participantId, 'primary'),
        this.#button('reject', 'room.reject', w.displayName, w.participantId));
      item.append(name, details);
      if (w.messages.length > 0) {
        const notes = document.createElement('ul');
        notes.className = 'lobby-messages';
        notes.append(...w.messages.map((m) => {
          const note = document.createElement('li');
          note.textContent = `${this.#time(m.at)}: ${this.#t(`lobby.code.${m.code}`)}`;
          return note;
        }));
        item.append(notes);
      }
      item.append(actions);
      return item;
    }));
  }

  #time(at) {
    return this.#timeFormat.format(new Date(at));
  }

  #button(action, label, name, participantId, variant) {
    const button = document.createElement('button');
    button.type = 'button';
    if (variant) button.className = variant;
    button.dataset.action = action;
    button.dataset.participant = participantId;
    button.textContent = this.#t(label);
    button.setAttribute('aria-label', this.#t(`${label}.label`, name));
    return button;
  }
}

function badge(text, kind) {
  const span = document.createElement('span');
  span.className = `badge badge-${kind}`;
  span.setAttribute('aria-hidden', 'true');
  span.textContent = text;
  return span;
}
