/** A wrong scan is felt and heard where the device allows: a buzz and a low beep. */
export function wrongScanFeedback(): void {
  try {
    navigator.vibrate?.([200, 100, 200]);
  } catch {
    // Not every browser lets a page vibrate.
  }
  beep(220, 0.35);
}

/** A short high beep for a good scan. */
export function goodScanFeedback(): void {
  beep(880, 0.08);
}

let audio: AudioContext | undefined;
function beep(hz: number, seconds: number): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = hz;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + seconds);
  } catch {
    // No audio here (or not allowed before a gesture): the message on screen is the feedback.
  }
}
