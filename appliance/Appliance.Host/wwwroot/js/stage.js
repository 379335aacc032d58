// The video stage: a tile per admitted participant (named from the roster, video from the slot that media-slots says
// carries them), a tile for a shared screen, the self view, and an audio element per audio slot. Two views: gallery
// (everyone alike) and active speaker (the screen, or whoever speaks, large; the rest in a row).
'use strict';

export class Stage {
  #t;
  #media;
  #stage;
  #audioBox;
  #tiles = new Map();
  #screenTile = null;
  #audios = new Map();
  #roster = [];
  #me = null;
  #local = null;
  #localSharing = false;
  #speakerView = false;
  #dominant = null;
  #speakerId = '';
  #onAudioBlocked;

  /**
   * @param {(key: string, ...args: unknown[]) => string} t
   * @param {import('./media.js').MediaConnection} media
   * @param {{ stage: HTMLElement, audioBox: HTMLElement, onAudioBlocked: () => void }} elements
   */
  constructor(t, media, { stage, audioBox, onAudioBlocked }) {
    this.#t = t;
    this.#media = media;
    this.#stage = stage;
    this.#audioBox = audioBox;
    this.#onAudioBlocked = onAudioBlocked;
    media.on('tracks', () => this.refresh());
    media.on('slots', () => this.refresh());
    media.on('speakers', (message) => {
      this.#dominant = message.dominant ?? null;
      this.#render();
    });
  }

  /** Who this browser is. */
  setMe(participantId) {
    this.#me = participantId;
    this.#render();
  }

  /** The admitted participants (the roster message). */
  setRoster(participants) {
    this.#roster = participants;
    const ids = new Set(participants.map((p) => p.participantId));
    for (const [id, tile] of this.#tiles) {
      if (!ids.has(id)) {
        detach(tile.querySelector('video'));
        tile.remove();
        this.#tiles.delete(id);
      }
    }
    this.refresh();
  }

  /** The camera track of the self view (null for none) and whether this browser shares its screen. */
  setLocal(video, sharing) {
    this.#local = video;
    this.#localSharing = sharing;
    this.refresh();
  }

  /** Active speaker view (true) or gallery (false). */
  setSpeakerView(on) {
    this.#speakerView = on;
    this.#render();
  }

  /** The speaker (audio output device) for every remote sound. */
  setSpeaker(deviceId) {
    this.#speakerId = deviceId;
    for (const audio of this.#audios.values()) sink(audio, deviceId);
  }

  /** Takes the current remote tracks and slot labels. */
  refresh() {
    const remote = this.#media.remoteTracks();
    this.#refreshAudio(remote.filter((r) => r.kind === 'audio'));
    const screen = remote.find((r) => r.kind === 'screen' && r.participantId);
    this.#refreshScreen(screen);
    for (const p of this.#roster) {
      const tile = this.#tile(p);
      const own = p.participantId === this.#me;
      const video = own ? this.#local : remote.find((r) => r.kind === 'video' && r.participantId === p.participantId)?.track ?? null;
      attach(tile.querySelector('video'), video);
      tile.classList.toggle('self', own);
      tile.classList.toggle('no-video', !video || p.videoMuted);
    }
    this.#render();
  }

  #refreshAudio(tracks) {
    const live = new Set();
    for (const r of tracks) {
      live.add(r.mid);
      let audio = this.#audios.get(r.mid);
      if (!audio) {
        audio = document.createElement('audio');
        audio.autoplay = true;
        sink(audio, this.#speakerId);
        this.#audioBox.append(audio);
        this.#audios.set(r.mid, audio);
      }
      audio.dataset.participant = r.participantId ?? '';
      if (attach(audio, r.track)) audio.play()?.catch((error) => { if (error?.name === 'NotAllowedError') this.#onAudioBlocked(); });
    }
    for (const [mid, audio] of this.#audios) {
      if (!live.has(mid)) {
        detach(audio);
        audio.remove();
        this.#audios.delete(mid);
      }
    }
  }

  /** Plays every remote sound again (after the browser blocked autoplay until a click). */
  resumeAudio() {
    for (const audio of this.#audios.values()) audio.play()?.catch(() => {});
  }

  #refreshScreen(screen) {
    if (!screen) {
      if (this.#screenTile) {
        detach(this.#screenTile.querySelector('video'));
        this.#screenTile.remove();
        this.#screenTile = null;
      }
      return;
    }
    const sharer = this.#roster.find((p) => p.participantId === screen.participantId);
    if (!this.#screenTile) {
      this.#screenTile = newTile();
      this.#screenTile.classList.add('screen');
    }
    this.#screenTile.dataset.screen = screen.participantId;
    this.#screenTile.querySelector('.tile-name').textContent = this.#t('room.screen.of', sharer?.displayName ?? '');
    this.#screenTile.querySelector('.avatar').textContent = '';
    this.#screenTile.classList.remove('no-video');
    attach(this.#screenTile.querySelector('video'), screen.track);
  }

  #tile(p) {
    let tile = this.#tiles.get(p.participantId);
    if (!tile) {
      tile = newTile();
      tile.dataset.participant = p.participantId;
      this.#tiles.set(p.participantId, tile);
    }
    const own = p.participantId === this.#me;
    tile.querySelector('.tile-name').textContent = own ? this.#t('room.tile.you', p.displayName) : p.displayName;
    tile.querySelector('.avatar').textContent = initials(p.displayName);
    const facts = [];
    if (p.handRaised) facts.push(this.#t('room.hand.raised'));
    if (p.audioMuted) facts.push(this.#t('room.audio.off'));
    if (own && this.#localSharing) facts.push(this.#t('room.screen.on'));
    if (!p.connected) facts.push(this.#t('room.offline'));
    tile.querySelector('.tile-facts').textContent = facts.length ? ` – ${facts.join(', ')}` : '';
    tile.classList.toggle('hand', p.handRaised);
    tile.classList.toggle('offline', !p.connected);
    return tile;
  }

  // Puts the tiles in order: the featured one first in the active speaker view, the screen first in the gallery, the
  // others in order of admission, oneself last.
  #render() {
    const others = this.#roster.filter((p) => p.participantId !== this.#me).map((p) => this.#tiles.get(p.participantId)).filter(Boolean);
    const self = this.#tiles.get(this.#me);
    const speaking = this.#dominant && this.#dominant !== this.#me ? this.#tiles.get(this.#dominant) : null;
    let order = [...others, ...(self ? [self] : [])];
    let featured = null;
    if (this.#speakerView) {
      featured = this.#screenTile ?? speaking ?? others[0] ?? self ?? null;
    } else if (this.#screenTile) {
      featured = this.#screenTile;
    }
    if (this.#screenTile) order = [this.#screenTile, ...order];
    if (featured) order = [featured, ...order.filter((tile) => tile !== featured)];
    for (const tile of order) tile.classList.toggle('featured', tile === featured);
    for (const tile of this.#tiles.values()) tile.classList.toggle('speaking', tile === speaking);
    this.#stage.classList.toggle('speaker-view', this.#speakerView);
    this.#stage.classList.toggle('single', order.length === 1);
    const current = [...this.#stage.children];
    if (current.length !== order.length || current.some((tile, i) => tile !== order[i])) this.#stage.replaceChildren(...order);
  }
}

function newTile() {
  const tile = document.createElement('figure');
  tile.className = 'tile no-video';
  const box = document.createElement('div');
  box.className = 'tile-media';
  const video = document.createElement('video');
  video.autoplay = true;
  video.muted = true;
  video.playsInline = true;
  video.setAttribute('aria-hidden', 'true');
  const avatar = document.createElement('span');
  avatar.className = 'avatar';
  avatar.setAttribute('aria-hidden', 'true');
  box.append(video, avatar);
  const caption = document.createElement('figcaption');
  const name = document.createElement('span');
  name.className = 'tile-name';
  const facts = document.createElement('span');
  facts.className = 'tile-facts';
  caption.append(name, facts);
  tile.append(box, caption);
  return tile;
}

// True when the element got a new track.
function attach(element, track) {
  const current = element.srcObject?.getTracks()[0] ?? null;
  if (current === track) return false;
  element.srcObject = track ? new MediaStream([track]) : null;
  if (track && element instanceof HTMLVideoElement) element.play()?.catch(() => {});
  return Boolean(track);
}

function detach(element) {
  if (element) element.srcObject = null;
}

function sink(audio, deviceId) {
  if (deviceId && audio.setSinkId) audio.setSinkId(deviceId).catch(() => {});
}

function initials(name) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((p) => [...p][0] ?? '').join('').toUpperCase();
}
