// The pre-join screen: camera preview, microphone level, the choice of camera, microphone and speaker, joining without
// camera or microphone, and a plain message with a plan B when the devices fail or are not allowed. Nobody in the
// meeting sees or hears anything of this; the tracks chosen here are the ones the meeting sends.
'use strict';

import { LevelMeter } from './level.js';

const CHOICES_KEY = 'appliance.devices';

/** The pre-join screen in #prejoin; run() resolves with the chosen tracks when the person presses Join. */
export class PreJoin {
  #t;
  #el;
  #tracks = { audio: null, video: null };
  #failed = { audio: null, video: null };
  #meter = null;
  #speakerId = '';
  #busy = Promise.resolve();

  /** @param {(key: string, ...args: unknown[]) => string} t */
  constructor(t) {
    this.#t = t;
    const $ = (id) => document.getElementById(id);
    this.#el = {
      section: $('prejoin'), preview: $('preview'), previewOff: $('preview-off'), camera: $('camera-select'),
      microphone: $('microphone-select'), speaker: $('speaker-select'), speakerField: $('speaker-field'),
      level: $('microphone-level'), noCamera: $('no-camera'), noMicrophone: $('no-microphone'), problem: $('prejoin-problem'),
      problemText: $('prejoin-problem-text'), retry: $('prejoin-retry'), join: $('join'), testSound: $('test-sound'),
      status: $('prejoin-status'),
    };
  }

  /**
   * Shows the screen and starts the devices. With auto (the page was reloaded to get a fresh join ticket) the saved
   * choices are used and the screen resolves at once.
   * @returns {Promise<{ audio: MediaStreamTrack|null, video: MediaStreamTrack|null, speakerId: string }>}
   */
  async run({ auto = false } = {}) {
    const saved = loadChoices();
    this.#el.noCamera.checked = Boolean(saved.noCamera);
    this.#el.noMicrophone.checked = Boolean(saved.noMicrophone);
    this.#speakerId = saved.speaker ?? '';
    this.#el.section.hidden = false;
    // Join works at once: a press while the devices still start waits for them.
    let pressed;
    const joined = new Promise((resolve) => { pressed = resolve; });
    if (!auto) {
      this.#el.join.addEventListener('click', () => pressed(), { once: true });
      this.#wire();
    }
    if (!navigator.mediaDevices?.getUserMedia || typeof RTCPeerConnection === 'undefined') {
      this.#showProblem(this.#t('prejoin.error.unsupported'));
      this.#el.retry.hidden = true;
    } else {
      await this.#acquire(['audio', 'video'], saved);
      await this.#listDevices();
      navigator.mediaDevices.addEventListener?.('devicechange', () => this.#listDevices());
    }

    if (!auto) await joined;
    await this.#busy;
    return this.#finish();
  }

  #wire() {
    const { camera, microphone, speaker, noCamera, noMicrophone, retry, testSound } = this.#el;
    camera.addEventListener('change', () => this.#acquire(['video'], { camera: camera.value }));
    microphone.addEventListener('change', () => this.#acquire(['audio'], { microphone: microphone.value }));
    speaker.addEventListener('change', () => { this.#speakerId = speaker.value; });
    noCamera.addEventListener('change', () => this.#acquire(['video'], { camera: camera.value }));
    noMicrophone.addEventListener('change', () => this.#acquire(['audio'], { microphone: microphone.value }));
    retry.addEventListener('click', async () => {
      await this.#acquire(['audio', 'video'], { camera: camera.value, microphone: microphone.value });
      await this.#listDevices();
    });
    testSound.addEventListener('click', () => playTestSound(this.#speakerId));
  }

  #finish() {
    this.#meter?.stop();
    this.#meter = null;
    this.#el.preview.srcObject = null;
    this.#el.section.hidden = true;
    saveChoices({
      noCamera: this.#el.noCamera.checked,
      noMicrophone: this.#el.noMicrophone.checked,
      camera: this.#tracks.video?.getSettings().deviceId ?? '',
      microphone: this.#tracks.audio?.getSettings().deviceId ?? '',
      speaker: this.#speakerId,
    });
    return { audio: this.#tracks.audio, video: this.#tracks.video, speakerId: this.#speakerId };
  }

  // Starts the asked kinds afresh (each on its own, so that a broken camera does not take the microphone with it), one
  // change after the other.
  #acquire(kinds, choice) {
    this.#busy = this.#busy.then(() => this.#start(kinds, choice));
    return this.#busy;
  }

  async #start(kinds, choice) {
    this.#el.status.textContent = this.#t('prejoin.starting');
    for (const kind of kinds) {
      this.#tracks[kind]?.stop();
      this.#tracks[kind] = null;
      this.#failed[kind] = null;
      const off = kind === 'video' ? this.#el.noCamera.checked : this.#el.noMicrophone.checked;
      if (off) continue;
      const deviceId = kind === 'video' ? choice.camera : choice.microphone;
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraints(kind, deviceId) });
        this.#tracks[kind] = stream.getTracks()[0] ?? null;
      } catch (error) {
        if (deviceId && error?.name === 'OverconstrainedError') {
          // The saved device is gone: take the default one.
          await this.#start([kind], {});
          continue;
        }
        this.#failed[kind] = error?.name ?? 'Error';
      }
    }
    this.#show();
  }

  #show() {
    const { preview, previewOff, level } = this.#el;
    const video = this.#tracks.video;
    preview.srcObject = video ? new MediaStream([video]) : null;
    preview.hidden = !video;
    previewOff.hidden = Boolean(video);
    this.#meter?.stop();
    this.#meter = this.#tracks.audio ? new LevelMeter(this.#tracks.audio, level) : null;
    level.value = 0;

    const failures = Object.values(this.#failed).filter(Boolean);
    if (failures.length === 0) {
      this.#el.problem.hidden = true;
      const none = !this.#tracks.audio && !this.#tracks.video;
      this.#el.status.textContent = this.#t(none ? 'prejoin.nothing' : 'prejoin.ready');
      return;
    }
    this.#el.status.textContent = '';
    const name = failures.includes('NotAllowedError') || failures.includes('SecurityError') ? 'denied'
      : failures.includes('NotFoundError') ? 'notfound'
        : failures.includes('NotReadableError') || failures.includes('AbortError') ? 'inuse' : 'other';
    const which = this.#failed.audio && this.#failed.video ? 'both' : this.#failed.video ? 'camera' : 'microphone';
    this.#showProblem(`${this.#t(`prejoin.failed.${which}`)} ${this.#t(`prejoin.error.${name}`)}`);
  }

  #showProblem(text) {
    this.#el.problemText.textContent = text;
    this.#el.problem.hidden = false;
  }

  async #listDevices() {
    let devices = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      return;
    }
    const fill = (select, kind, label, current) => {
      const found = devices.filter((d) => d.kind === kind && d.deviceId);
      const options = found.map((d, i) => new Option(d.label || this.#t(label, i + 1), d.deviceId));
      if (options.length === 0) options.push(new Option(this.#t('prejoin.device.none'), ''));
      select.replaceChildren(...options);
      if (current && found.some((d) => d.deviceId === current)) select.value = current;
      select.disabled = found.length === 0;
    };
    fill(this.#el.camera, 'videoinput', 'prejoin.camera.unnamed', this.#tracks.video?.getSettings().deviceId);
    fill(this.#el.microphone, 'audioinput', 'prejoin.microphone.unnamed', this.#tracks.audio?.getSettings().deviceId);
    const canChooseSpeaker = 'setSinkId' in HTMLMediaElement.prototype && devices.some((d) => d.kind === 'audiooutput');
    this.#el.speakerField.hidden = !canChooseSpeaker;
    if (canChooseSpeaker) fill(this.#el.speaker, 'audiooutput', 'prejoin.speaker.unnamed', this.#speakerId);
  }
}

export function constraints(kind, deviceId) {
  const device = deviceId ? { deviceId: { exact: deviceId } } : {};
  // Modest video: citizens join from old laptops and phones on home networks.
  return kind === 'video'
    ? { ...device, width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } }
    : { ...device, echoCancellation: true, noiseSuppression: true, autoGainControl: true };
}

function loadChoices() {
  try {
    return JSON.parse(localStorage.getItem(CHOICES_KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

function saveChoices(choices) {
  try {
    localStorage.setItem(CHOICES_KEY, JSON.stringify(choices));
  } catch {
    // Private browsing: the choice is simply not remembered.
  }
}

// Half a second of a soft 440 Hz tone, through the chosen speaker.
async function playTestSound(speakerId) {
  const rate = 16000;
  const samples = rate / 2;
  const data = new DataView(new ArrayBuffer(44 + samples * 2));
  const text = (at, value) => [...value].forEach((c, i) => data.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF'); data.setUint32(4, 36 + samples * 2, true); text(8, 'WAVEfmt ');
  data.setUint32(16, 16, true); data.setUint16(20, 1, true); data.setUint16(22, 1, true);
  data.setUint32(24, rate, true); data.setUint32(28, rate * 2, true); data.setUint16(32, 2, true); data.setUint16(34, 16, true);
  text(36, 'data'); data.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) {
    const fade = Math.min(1, i / 800, (samples - i) / 800);
    data.setInt16(44 + i * 2, Math.sin(2 * Math.PI * 440 * i / rate) * 9000 * fade, true);
  }
  const url = URL.createObjectURL(new Blob([data], { type: 'audio/wav' }));
  const audio = new Audio(url);
  audio.addEventListener('ended', () => URL.revokeObjectURL(url), { once: true });
  try {
    if (speakerId && audio.setSinkId) await audio.setSinkId(speakerId);
    await audio.play();
  } catch {
    URL.revokeObjectURL(url);
  }
}
