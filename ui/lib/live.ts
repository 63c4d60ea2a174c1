import { renewSession } from './api.ts';
import { authHeaders, loadCredential } from './session.ts';

/** What the live stream says about one committed event: enough to know which views to read again. */
export interface LiveEvent {
  readonly id: string;
  readonly type: string;
  readonly time: string;
}

/**
 * Follows GET /api/v1/live (server-sent events). EventSource cannot send the credential header, so the stream is read
 * with fetch; it reconnects with a growing pause when the connection drops. Returns the stop function.
 */
export function followLive(onEvents: (events: LiveEvent[]) => void, onState?: (connected: boolean) => void): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  let pause = 500;
  const run = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const credential = loadCredential();
        let res = await fetch('/api/v1/live', { headers: { ...authHeaders(credential), Accept: 'text/event-stream' }, signal: controller.signal });
        // The stream ends when its caller's access token expires (the server checks it again every few seconds): the
        // session is renewed here as the API calls renew it, or the stream would stay refused until some call did.
        if (res.status === 401) {
          const renewed = await renewSession(credential);
          if (renewed !== undefined) res = await fetch('/api/v1/live', { headers: { ...authHeaders(renewed), Accept: 'text/event-stream' }, signal: controller.signal });
        }
        if (!res.ok || res.body === null) throw new Error(`live: HTTP ${res.status}`);
        onState?.(true);
        pause = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const frames = buffer.split('\n\n');
          buffer = frames.pop() ?? '';
          const events: LiveEvent[] = [];
          for (const frame of frames) {
            const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
            if (data !== '') events.push(...(JSON.parse(data) as LiveEvent[]));
          }
          if (events.length > 0) onEvents(events);
        }
      } catch {
        // Dropped, refused or stopped: try again below unless stopped.
      }
      onState?.(false);
      if (stopped) return;
      await new Promise((r) => window.setTimeout(r, pause));
      pause = Math.min(pause * 2, 15_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
