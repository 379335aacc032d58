// The meeting room: pre-join check, lobby, the meeting with audio, video, screen sharing, chat and the hosts' controls.
// It composes the modules beside it; everything it shows is built with textContent, the texts come from
// /js/texts.json in the page's language.
'use strict';

import { SignallingClient } from './signalling.js';
import { MediaConnection } from './media.js';
import { PreJoin, constraints } from './prejoin.js';
import { Stage } from './stage.js';
import { People } from './people.js';
import { Chat } from './chat.js';
import { loadTexts } from './texts.js';
import { expose } from './debug.js';
import { SenderKeys } from './e2ee/senderkeys.js';
import { SecurityIndicator } from './security.js';
import { Roster } from './roster.js';

const AUTO_JOIN_KEY = 'appliance.autojoin';

const root = document.getElementById('room');
if (root) start(root).catch((error) => console.error(error));

async function start(room) {
  const t = await loadTexts(room.dataset.texts);
  const $ = (id) => document.getElementById(id);
  const status = $('room-status');
  const say = (text) => { status.textContent = text; };
  const sections = { lobby: $('lobby'), queue: $('queue'), meeting: $('meeting'), finished: $('finished') };
  const show = (name, visible) => { sections[name].hidden = !visible; };

  // A reload to get a fresh join ticket (it is valid for two minutes) skips the check the person has just done.
  const auto = takeAutoJoin();
  say('');
  const choice = await new PreJoin(t).run({ auto });
  say(t('room.connecting'));

  const local = { audio: choice.audio, video: choice.video, screen: null };
  // What the classification policy allows now, as the server last said (a tightening reaches running meetings).
  let policy = { screenShare: true, reason: '' };
  let me = null;
  let admitted = false;
  let handRaised = false;
  let locked = false;
  let waitingCount = 0;
  let queueNotice = null;
  let reconnecting = false;

  // This page's key pair for end-to-end encryption, or null when the browser cannot encrypt frames.
  let keys = null;
  try {
    keys = await SenderKeys.create();
  } catch (error) {
    console.warn('End-to-end encryption is not available in this browser', error);
  }
  let media = null;
  const client = new SignallingClient({
    url: room.dataset.socket,
    ticket: room.dataset.ticket,
    beforeHello: async () => ({ ...(await media.prepare()), ...(keys?.helloFields() ?? {}) }),
  });
  keys?.bind(client);
  media = new MediaConnection(client, keys);
  await media.setTrack('audio', local.audio);
  await media.setTrack('video', local.video);

  const stage = new Stage(t, media, { stage: $('stage'), audioBox: $('audio-box'), onAudioBlocked: () => alert(t('room.sound.blocked'), t('room.sound.on'), () => stage.resumeAudio()) });
  stage.setSpeaker(choice.speakerId);
  stage.setLocal(local.video, false);
  const people = new People(t, (action, participantId) => client.send(action, { participantId }));
  expose(media, { participantId: () => me?.participantId ?? null, reconnect: () => client.restart(), keys });
  const chat = new Chat($('chat-log'), $('chat-form'), $('chat-text'), sendChat);
  const security = new SecurityIndicator(t, {
    box: $('e2ee'),
    locked: $('e2ee-locked'),
    open: $('e2ee-open'),
    text: $('e2ee-text'),
    codeBox: $('e2ee-code-box'),
    code: $('e2ee-code'),
    compared: $('e2ee-compared'),
    announce: $('e2ee-announce'),
  });
  let e2ee = { enabled: false, required: false, epoch: 0 };
  // The whole roster, kept up to date from the server's updates; everything below reads it from here.
  const held = new Roster();
  let roster = [];
  let showing = Promise.resolve();

  // The indicator follows the roster; the code is computed in turn so that an older roster never overwrites a newer one.
  function showEncryption() {
    showing = showing.then(async () => {
      const code = keys ? await keys.securityCode() : null;
      security.update({ supported: Boolean(keys), enabled: e2ee.enabled, roster, code });
    }).catch((error) => console.warn('Showing the encryption state failed', error));
  }

  // Sealed in an end-to-end encrypted meeting (the server refuses plain text there), plain otherwise.
  async function sendChat(text) {
    if (!e2ee.enabled) return Boolean(client.send('chat', { text }));
    const sealed = keys ? await keys.sealChat(text) : null;
    return Boolean(sealed && client.send('chat', { sealed }));
  }

  async function showChat(message) {
    if (typeof message.sealed !== 'string') {
      chat.add(message);
      return;
    }
    const text = keys ? await keys.openChat(message.sealed) : null;
    chat.add({ ...message, text: text ?? t('room.chat.unreadable') });
  }

  const state = () => ({
    audioMuted: !local.audio || !local.audio.enabled,
    videoMuted: !local.video || !local.video.enabled,
    screenSharing: Boolean(local.screen),
  });
  const sendState = () => { if (admitted) client.send('media-state', state()); };

  function renderControls() {
    const s = state();
    setPressed($('microphone'), s.audioMuted);
    setPressed($('camera'), s.videoMuted);
    setPressed($('share'), s.screenSharing);
    $('microphone-state').textContent = t(s.audioMuted ? 'room.audio.off' : 'room.audio.on');
    $('camera-state').textContent = t(s.videoMuted ? 'room.video.off' : 'room.video.on');
    $('share').hidden = !navigator.mediaDevices?.getDisplayMedia;
    // The classification policy may turn screen sharing off while the meeting runs; the button says why.
    $('share').disabled = !policy.screenShare && !s.screenSharing;
    if (policy.reason && !policy.screenShare) $('share').title = policy.reason;
    else $('share').removeAttribute('title');
    $('lock').hidden = me?.role !== 'host';
    $('end').hidden = me?.role !== 'host';
    setPressed($('lock'), locked);
    $('lock').textContent = t(locked ? 'room.unlock' : 'room.lock');
    setPressed($('hand'), handRaised);
    $('hand').textContent = t(handRaised ? 'room.hand.lower' : 'room.hand.raise');
  }

  function enterMeeting(withRoster) {
    const first = !admitted;
    admitted = true;
    show('lobby', false);
    show('meeting', true);
    if (withRoster) onRoster();
    renderControls();
    sendState();
    if (first) $('meeting-title').focus();
  }

  // After every change of the held roster, which is complete: the security code is computed from all its keys.
  function onRoster() {
    const participants = held.participants;
    const encryption = held.e2ee;
    roster = participants;
    if (encryption) e2ee = encryption;
    keys?.roster(participants, encryption);
    showEncryption();
    people.setRoster(participants);
    stage.setRoster(participants);
    const mine = participants.find((p) => p.participantId === me?.participantId);
    if (mine) handRaised = mine.handRaised;
    renderControls();
  }

  function finish(text, { rejoin = false } = {}) {
    admitted = false;
    media.close();
    for (const track of Object.values(local)) track?.stop();
    say(text);
    for (const name of ['lobby', 'queue', 'meeting']) show(name, false);
    $('finished-text').textContent = text;
    $('rejoin').hidden = !rejoin;
    show('finished', true);
    $('finished-text').focus();
  }

  // An alert with an optional action (ask to unmute: turn the microphone on).
  function alert(text, actionText, action) {
    $('room-alert').hidden = false;
    $('alert-text').textContent = text;
    const button = $('alert-action');
    button.hidden = !action;
    button.textContent = actionText ?? '';
    button.onclick = action ? () => { action(); dismiss(); } : null;
  }
  function dismiss() { $('room-alert').hidden = true; }
  $('alert-dismiss').addEventListener('click', dismiss);

  // --- the server's messages ------------------------------------------------------------------------------------------
  client.on('welcome', (message) => {
    me = message;
    locked = message.locked;
    if (message.e2ee) e2ee = message.e2ee;
    keys?.welcome(message);
    people.setMe(message);
    stage.setMe(message.participantId);
    show('queue', message.role === 'host');
    if (message.state === 'admitted') {
      enterMeeting(held.replace(message.roster, message.e2ee, message.rosterRevision));
      say(t(reconnecting ? 'room.reconnected' : 'room.joined'));
    } else {
      show('lobby', true);
      if (!reconnecting) $('lobby-title').focus();
    }
    reconnecting = false;
    renderControls();
  });
  client.on('lobby', () => say($('lobby-title').textContent));
  client.on('admitted', () => {
    enterMeeting(false);
    say(t('room.admitted'));
  });
  client.on('roster', (message) => { if (held.replace(message.participants, message.e2ee, message.revision)) onRoster(); });
  client.on('roster-update', (message) => {
    const result = held.apply(message);
    if (result === 'applied') onRoster();
    else if (result === 'ask') client.send('roster-request');
  });
  client.on('e2ee-key', (message) => { keys?.receiveKey(message).catch((error) => console.warn('A sender key did not open', error)); });
  keys?.on('change', () => showEncryption());
  client.on('lobby-queue', (message) => {
    people.setQueue(message.waiting);
    if (message.waiting.length > waitingCount) {
      queueNotice = t('room.queue.someone', message.waiting[message.waiting.length - 1].displayName);
      say(queueNotice);
    } else if (message.waiting.length === 0 && status.textContent === queueNotice) {
      say('');
    }
    waitingCount = message.waiting.length;
  });
  client.on('chat', (message) => { showChat(message).catch((error) => console.warn('Showing a chat message failed', error)); });
  client.on('policy', (message) => {
    policy = { screenShare: message.controls?.screenShare !== false, reason: typeof message.message === 'string' ? message.message : '' };
    const stopped = Array.isArray(message.stopped) && message.stopped.includes('screenShare');
    const tell = () => { renderControls(); if (policy.reason) say(policy.reason); };
    if (stopped && local.screen) {
      // The server has already stopped forwarding it and reset the roster: stop capturing too, then say why (after the
      // plain "sharing stopped" notice, so the reason is what stays).
      stopSharing().catch((error) => console.warn('Stopping the screen share failed', error)).finally(tell);
    } else {
      tell();
    }
  });
  client.on('locked', (message) => {
    locked = message.locked;
    renderControls();
    say(t(locked ? 'room.locked' : 'room.unlocked'));
  });
  client.on('ask-unmute', (message) => {
    const text = t('room.askedunmute', message.displayName);
    say(text);
    if (local.audio) alert(text, t('room.microphone.on'), () => setMicrophone(true));
    else alert(text);
  });
  client.on('rejected', () => finish(t('room.rejected')));
  client.on('removed', () => finish(t('room.removed')));
  // The reason says who or what ended it; an unknown one (a newer server) reads as a plain end.
  const endedTexts = { 'max-duration': 'room.ended.maxduration', operator: 'room.ended.operator' };
  client.on('ended', (message) => finish(t(Object.hasOwn(endedTexts, message.reason) ? endedTexts[message.reason] : 'room.ended')));
  // Said through the live region, so that screen-reader users hear it too; the 2-minute warning replaces the first.
  client.on('ending-soon', (message) => {
    if (Number.isInteger(message.minutesLeft) && message.minutesLeft > 0) say(t('room.endingsoon', message.minutesLeft));
  });
  client.on('error', (message) => {
    if (message.code === 'invalid-ticket' && !me && !auto) {
      reloadToJoin();
      return;
    }
    if (client.finished) finish(message.message);
    else say(message.message);
  });
  client.on('reconnecting', () => {
    reconnecting = true;
    say(t('room.reconnecting'));
  });
  client.on('failed', () => finish(t('room.failed'), { rejoin: true }));
  client.on('resume-failed', () => reloadToJoin());
  media.on('state', (connection) => {
    if (!admitted || (!local.audio && !local.video)) return;
    const key = { connected: 'room.media.connected', failed: 'room.media.failed', disconnected: 'room.media.lost' }[connection];
    if (key) $('media-status').textContent = t(key);
  });

  // --- the person's controls -------------------------------------------------------------------------------------------
  for (const button of room.querySelectorAll('[data-lobby-message]')) {
    button.addEventListener('click', () => {
      if (client.send('lobby-message', { code: button.dataset.lobbyMessage })) say(t('room.lobby.sent'));
    });
  }

  async function setMicrophone(on) {
    if (on && !local.audio) {
      local.audio = await startDevice('audio');
      if (!local.audio) return;
      await media.setTrack('audio', local.audio);
    }
    if (local.audio) local.audio.enabled = on;
    renderControls();
    sendState();
  }

  async function setCamera(on) {
    if (on && !local.video) {
      local.video = await startDevice('video');
      if (!local.video) return;
      await media.setTrack('video', local.video);
    }
    if (local.video) local.video.enabled = on;
    stage.setLocal(local.video && local.video.enabled ? local.video : null, Boolean(local.screen));
    renderControls();
    sendState();
  }

  async function startDevice(kind) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraints(kind, '') });
      return stream.getTracks()[0] ?? null;
    } catch {
      alert(t(kind === 'audio' ? 'room.microphone.failed' : 'room.camera.failed'));
      return null;
    }
  }

  async function startSharing() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    } catch (error) {
      if (error?.name !== 'NotAllowedError') alert(t('room.screen.failed'));
      return;
    }
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" button ends the track.
    track.addEventListener('ended', () => { if (local.screen === track) stopSharing(); });
    local.screen = track;
    await media.setTrack('screen', track);
    stage.setLocal(local.video && local.video.enabled ? local.video : null, true);
    renderControls();
    sendState();
    say(t('room.screen.started'));
  }

  async function stopSharing() {
    const track = local.screen;
    local.screen = null;
    track?.stop();
    await media.setTrack('screen', null);
    stage.setLocal(local.video && local.video.enabled ? local.video : null, false);
    renderControls();
    sendState();
    say(t('room.screen.stopped'));
  }

  $('microphone').addEventListener('click', () => setMicrophone(state().audioMuted));
  $('camera').addEventListener('click', () => setCamera(state().videoMuted));
  $('share').addEventListener('click', () => (local.screen ? stopSharing() : startSharing()));
  $('view').addEventListener('click', () => {
    const on = $('view').getAttribute('aria-pressed') !== 'true';
    setPressed($('view'), on);
    stage.setSpeakerView(on);
  });
  $('hand').addEventListener('click', () => {
    handRaised = !handRaised;
    client.send('hand', { raised: handRaised });
    renderControls();
  });
  $('lock').addEventListener('click', () => client.send('lock', { locked: !locked }));
  $('end').addEventListener('click', () => {
    if (window.confirm(t('room.end.confirm'))) client.send('end');
  });
  $('leave').addEventListener('click', () => {
    client.leave();
    finish(t('room.left'), { rejoin: true });
  });
  $('rejoin').addEventListener('click', () => location.reload());

  renderControls();
  client.connect();
}

function setPressed(button, pressed) {
  button.setAttribute('aria-pressed', String(pressed));
}

function takeAutoJoin() {
  try {
    const at = Number(sessionStorage.getItem(AUTO_JOIN_KEY));
    sessionStorage.removeItem(AUTO_JOIN_KEY);
    return at > 0 && Date.now() - at < 60000;
  } catch {
    return false;
  }
}

// A new page brings a new join ticket; the devices chosen are remembered and the check is skipped.
function reloadToJoin() {
  try {
    sessionStorage.setItem(AUTO_JOIN_KEY, String(Date.now()));
  } catch {
    // Without storage the person sees the check again; that is all.
  }
  location.reload();
}
