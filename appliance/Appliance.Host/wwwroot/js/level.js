// A microphone level meter: the loudness of a track, shown in a <meter> about twenty times a second.
'use strict';

export class LevelMeter {
  #context;
  #timer;

  /** @param {MediaStreamTrack} track @param {HTMLMeterElement} meter */
  constructor(track, meter) {
    const AudioContextClass = window.AudioContext ?? window.webkitAudioContext;
    if (!AudioContextClass) return;
    this.#context = new AudioContextClass();
    const source = this.#context.createMediaStreamSource(new MediaStream([track]));
    const analyser = this.#context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    // Browsers start audio only after a gesture; the first click or key on the page wakes the meter.
    const wake = () => this.#context?.resume().catch(() => {});
    document.addEventListener('pointerdown', wake, { once: true });
    document.addEventListener('keydown', wake, { once: true });
    wake();
    this.#timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      // Speech sits around -30 dBFS: map -60…-10 dBFS onto the meter.
      const db = 20 * Math.log10(rms || 1e-6);
      meter.value = Math.max(0, Math.min(1, (db + 60) / 50));
    }, 50);
  }

  stop() {
    clearInterval(this.#timer);
    this.#context?.close().catch(() => {});
    this.#context = null;
  }
}
