/**
 * Reads one barcode with the phone's camera (@zxing/browser). Loaded on demand, so the handheld's first load stays
 * small for keyboard-wedge scanners. Resolves with the text, or rejects when there is no camera or it was stopped.
 */
export async function scanWithCamera(video: HTMLVideoElement): Promise<{ text: Promise<string>; stop: () => void }> {
  const { BrowserMultiFormatReader } = await import('@zxing/browser');
  const reader = new BrowserMultiFormatReader();
  let stopControls: (() => void) | undefined;
  const text = new Promise<string>((resolve, reject) => {
    reader.decodeFromVideoDevice(undefined, video, (result, _error, controls) => {
      stopControls = () => controls.stop();
      if (result !== undefined) {
        controls.stop();
        resolve(result.getText());
      }
    }).then((controls) => {
      stopControls = () => controls.stop();
    }, reject);
  });
  return { text, stop: () => stopControls?.() };
}
