// The meeting page without media (a placeholder until the web client with audio and video replaces it): lobby, hosts'
// controls, participant list, chat. Everything it shows is built with textContent; the texts come from the page.
'use strict';

import { SignallingClient } from './signalling.js';

const root = document.getElementById('room');
if (root) start(root);

function start(room) {
  const texts = JSON.parse(room.dataset.texts);
  const t = (key, ...args) => (texts[key] ?? key).replace(/\{(\d+)\}/g, (_, i) => args[Number(i)] ?? '');
  const $ = (id) => document.getElementById(id);
  const status = $('room-status');
  const sections = { lobby: $('lobby'), queue: $('queue'), meeting: $('meeting') };
  const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: '2-digit', minute: '2-digit' });
  let me = null;
  let handRaised = false;
  let locked = false;

  const client = new SignallingClient({ url: room.dataset.socket, ticket: room.dataset.ticket });
  const say = (text) => { status.textContent = text; };
  const show = (name, visible) => { sections[name].hidden = !visible; };
  const finish = (text) => {
    say(text);
    for (const name of Object.keys(sections)) show(name, false);
  };

  client.on('welcome', (message) => {
    me = message;
    locked = message.locked;
    const admitted = message.state === 'admitted';
    show('meeting', admitted);
    show('lobby', !admitted);
    show('queue', message.role === 'host');
    $('lock').hidden = message.role !== 'host';
    $('end').hidden = message.role !== 'host';
    renderLock();
    if (admitted) {
      renderRoster(message.roster);
      say(t('room.joined'));
    }
  });
  client.on('lobby', () => say($('lobby-title').textContent));
  client.on('admitted', () => {
    show('lobby', false);
    show('meeting', true);
    say(t('room.admitted'));
  });
  client.on('roster', (message) => renderRoster(message.participants));
  client.on('lobby-queue', (message) => renderQueue(message.waiting));
  client.on('chat', (message) => {
    const item = document.createElement('li');
    const who = document.createElement('strong');
    who.textContent = message.displayName;
    const when = document.createElement('time');
    when.dateTime = message.at;
    when.textContent = ` ${timeFormat.format(new Date(message.at))}: `;
    const text = document.createElement('span');
    text.className = 'chat-text';
    text.textContent = message.text;
    item.append(who, when, text);
    $('chat-log').append(item);
  });
  client.on('locked', (message) => {
    locked = message.locked;
    renderLock();
    say(t(locked ? 'room.locked' : 'room.unlocked'));
  });
  client.on('ask-unmute', (message) => say(t('room.askedunmute', message.displayName)));
  client.on('rejected', () => finish(t('room.rejected')));
  client.on('removed', () => finish(t('room.removed')));
  client.on('ended', () => finish(t('room.ended')));
  client.on('error', (message) => {
    if (client.finished) finish(message.message);
    else say(message.message);
  });
  client.on('reconnecting', () => say(t('room.reconnecting')));
  client.on('failed', () => say(t('room.failed')));
  client.on('resume-failed', () => location.reload());

  for (const button of room.querySelectorAll('[data-lobby-message]')) {
    button.addEventListener('click', () => {
      if (client.send('lobby-message', { code: button.dataset.lobbyMessage })) say(t('room.lobby.sent'));
    });
  }
  $('hand').addEventListener('click', () => {
    handRaised = !handRaised;
    client.send('hand', { raised: handRaised });
    $('hand').setAttribute('aria-pressed', String(handRaised));
    $('hand').textContent = t(handRaised ? 'room.hand.lower' : 'room.hand.raise');
  });
  $('lock').addEventListener('click', () => client.send('lock', { locked: !locked }));
  $('end').addEventListener('click', () => {
    if (window.confirm(t('room.end.confirm'))) client.send('end');
  });
  $('leave').addEventListener('click', () => {
    client.leave();
    finish(t('room.left'));
  });
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const field = $('chat-text');
    if (field.value.trim() && client.send('chat', { text: field.value })) field.value = '';
  });
  $('queue-list').addEventListener('click', (event) => actOn(event.target));
  $('roster').addEventListener('click', (event) => actOn(event.target));

  function actOn(target) {
    const button = target.closest('button[data-action]');
    if (button) client.send(button.dataset.action, { participantId: button.dataset.participant });
  }

  function renderLock() {
    $('lock').setAttribute('aria-pressed', String(locked));
    $('lock').textContent = t(locked ? 'room.unlock' : 'room.lock');
  }

  function actionButton(action, label, name, participantId) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.action = action;
    button.dataset.participant = participantId;
    button.textContent = t(label);
    button.setAttribute('aria-label', t(`${label}.label`, name));
    return button;
  }

  function renderRoster(participants) {
    const list = $('roster');
    list.replaceChildren(...participants.map((p) => {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = p.displayName + (me && p.participantId === me.participantId ? ` (${t('room.you')})` : '');
      const facts = [t(p.role === 'host' ? 'room.role.host' : 'room.role.participant'), t(p.guest ? 'room.kind.guest' : 'room.kind.staff')];
      if (p.handRaised) facts.push(t('room.hand.raised'));
      if (p.audioMuted) facts.push(t('room.audio.off'));
      if (p.videoMuted) facts.push(t('room.video.off'));
      if (p.screenSharing) facts.push(t('room.screen.on'));
      if (!p.connected) facts.push(t('room.offline'));
      const details = document.createElement('span');
      details.className = 'facts';
      details.textContent = ` – ${facts.join(', ')}`;
      item.append(name, details);
      if (me && me.role === 'host' && p.participantId !== me.participantId && p.role !== 'host') {
        if (p.audioMuted) item.append(' ', actionButton('ask-unmute', 'room.askunmute', p.displayName, p.participantId));
        item.append(' ', actionButton('remove', 'room.remove', p.displayName, p.participantId));
      }
      return item;
    }));
  }

  function renderQueue(waiting) {
    $('queue-empty').hidden = waiting.length > 0;
    $('queue-list').replaceChildren(...waiting.map((w) => {
      const item = document.createElement('li');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = w.displayName;
      const facts = [t(w.guest ? 'room.kind.guest' : 'room.kind.staff'), t('room.queue.since', timeFormat.format(new Date(w.since)))];
      if (!w.connected) facts.push(t('room.offline'));
      const details = document.createElement('span');
      details.className = 'facts';
      details.textContent = ` – ${facts.join(', ')}`;
      item.append(name, details, ' ',
        actionButton('admit', 'room.admit', w.displayName, w.participantId), ' ',
        actionButton('reject', 'room.reject', w.displayName, w.participantId));
      if (w.messages.length > 0) {
        const notes = document.createElement('ul');
        notes.className = 'lobby-messages';
        notes.append(...w.messages.map((m) => {
          const note = document.createElement('li');
          note.textContent = `${timeFormat.format(new Date(m.at))}: ${t(`lobby.code.${m.code}`)}`;
          return note;
        }));
        item.append(notes);
      }
      return item;
    }));
  }

  client.connect();
}
