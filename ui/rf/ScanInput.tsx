import { useEffect, useRef, useState, type FormEvent } from 'react';

/** The scan field: a keyboard-wedge scanner types the code and Enter; a person can type it too, or use the camera. */
export function ScanInput({ onScan }: { onScan: (v: string) => void }) {
  const [value, setValue] = useState('');
  const [camera, setCamera] = useState<string | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const stopCamera = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => stopCamera.current?.(), []);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onScan(value);
    setValue('');
    input.current?.focus();
  };
  const useCamera = async (): Promise<void> => {
    if (video.current === null) return;
    setCamera('Point the camera at the barcode');
    try {
      const { scanWithCamera } = await import('./camera.ts');
      const scan = await scanWithCamera(video.current);
      stopCamera.current = scan.stop;
      const text = await scan.text;
      setCamera(undefined);
      onScan(text);
    } catch {
      setCamera('No camera available: type or scan the code');
    }
  };
  return (
    <form onSubmit={submit} className="stack">
      <label className="field">Scan or type the code
        <input ref={input} name="scan" value={value} onChange={(e) => setValue(e.target.value)} autoFocus autoComplete="off" autoCapitalize="characters" spellCheck={false} enterKeyHint="go" />
      </label>
      <button type="submit" className="big primary">Enter</button>
      {'mediaDevices' in navigator ? <button type="button" className="big secondary" onClick={() => void useCamera()}>Use camera</button> : null}
      <video ref={video} className={camera === undefined ? 'hidden' : 'rf-video'} muted playsInline aria-hidden="true" />
      {camera === undefined ? null : <p role="status">{camera}</p>}
    </form>
  );
}
