import { useState, type FormEvent } from 'react';
import { ApiError, changePassword } from './api.ts';

/**
 * A signed-in person changes its password: the current one, the new one twice. PakLog refuses a wrong current password
 * (WRONG_PASSWORD) and a weak new one (WEAK_PASSWORD, saying why); on success the person's other sessions end and this
 * tab keeps going with the new session the API answered.
 */
export function ChangePassword(props: { onClose: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    if (next !== again) {
      setError('The new password and its repetition differ');
      return;
    }
    setBusy(true);
    try {
      await changePassword(current, next);
      setDone(true);
      setCurrent('');
      setNext('');
      setAgain('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The password could not be changed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="change-password-title">
      <h2 id="change-password-title">Change password</h2>
      <form onSubmit={(e) => void submit(e)}>
        <label className="field">Current password
          <input name="currentPassword" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label className="field">New password
          <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} value={next} onChange={(e) => setNext(e.target.value)}
            aria-describedby="new-password-hint" />
        </label>
        <small id="new-password-hint">At least 12 characters; not your username, nor a well-known password. Your other sessions end.</small>
        <label className="field">New password again
          <input name="newPasswordAgain" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} />
        </label>
        {error === undefined ? null : <p role="alert" className="error">{error}</p>}
        {done ? <p role="status">Password changed. Your other sessions are signed out.</p> : null}
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save new password'}</button>{' '}
        <button type="button" onClick={props.onClose}>Close</button>
      </form>
    </section>
  );
}
