import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, errorSays, isNetworkError, signIn } from './api.ts';
import type { Me } from './session.ts';

/**
 * Sign-in with an API key (the admin key `npm start` prints, or a key an admin made) or as a person (username and
 * password, POST /auth/login). The credential goes to sessionStorage only once GET /auth/me accepts it.
 */
export function SignIn(props: { title: string; onSignedIn: (me: Me) => void | Promise<void>; extra?: ReactNode; className?: string }) {
  const [mode, setMode] = useState<'key' | 'password'>('key');
  const [key, setKey] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      // The app may check more (the handheld: worker id and site) and refuse on the form by throwing an ApiError.
      await props.onSignedIn(await signIn(mode === 'key' ? { key } : { username, password }));
    } catch (err) {
      // The form's own refusals (status 0: no worker id, an unknown site) are said as they are; PakLog's answers and no
      // answer (NETWORK, TIMEOUT) with their code, as every other screen says them (errorSays).
      setError(!(err instanceof ApiError) ? 'Sign-in failed' : err.status === 0 && !isNetworkError(err) ? err.message : errorSays(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className={props.className ?? 'signin'}>
      <h1>{props.title}</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error === undefined ? undefined : 'signin-error'}>
        <fieldset className="segmented">
          <legend>Sign in with</legend>
          <label><input type="radio" name="mode" checked={mode === 'key'} onChange={() => setMode('key')} /> A key</label>
          <label><input type="radio" name="mode" checked={mode === 'password'} onChange={() => setMode('password')} /> A username</label>
        </fieldset>
        {mode === 'key' ? (
          <div className="field">
            <label htmlFor="signin-key">API key</label>
            <input id="signin-key" name="apiKey" type="password" autoComplete="off" required value={key} onChange={(e) => setKey(e.target.value)} aria-describedby="signin-key-hint" />
            <small id="signin-key-hint">The admin key `npm start` printed on its first start, or a key an admin made for you.</small>
          </div>
        ) : (
          <>
            <label className="field">Username
              <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
            </label>
            <label className="field">Password
              <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
          </>
        )}
        {props.extra}
        {error === undefined ? null : <p id="signin-error" role="alert" className="error">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
