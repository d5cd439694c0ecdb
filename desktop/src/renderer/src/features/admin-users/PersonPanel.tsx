/** One person: role, disable/enable, password reset and, for advertisers, their screens. */
import { useState } from 'react';
import type { Person, Role } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { OneTimePassword } from './CreatePersonForm';
import { GrantsPanel } from './GrantsPanel';
import { message } from './usePeople';

export function PersonPanel({ person, onChanged }: { person: Person; onChanged: () => void }) {
  const me = useConsole((s) => s.user);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const [generated, setGenerated] = useState<string | null>(null);

  const change = async (
    what: { role?: Role; disabled?: boolean; password?: string; generatePassword?: true },
    done: string,
  ) => {
    setBusy(true);
    setError(null);
    setNote(null);
    setGenerated(null);
    try {
      const res = await consoleApi.updateUser({ userId: person.id, ...what });
      if (res.generatedPassword) setGenerated(res.generatedPassword);
      setNewPassword('');
      setNote(done);
      onChanged();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="panel person-panel" data-testid="person-panel" aria-label={person.name}>
      <h2>{person.name}</h2>
      <p className="mono muted">{person.email}</p>
      <label className="select-field block">
        <span>Role</span>
        <select
          data-testid="person-panel-role"
          value={person.role}
          disabled={busy}
          onChange={(e) =>
            void change(
              { role: e.target.value as Role },
              `${person.name} is now ${e.target.value === 'admin' ? 'an' : 'a'} ${e.target.value}; their consoles were signed out.`,
            )
          }
        >
          <option value="admin">Admin</option>
          <option value="operator">Operator</option>
          <option value="advertiser">Advertiser</option>
        </select>
      </label>
      <div className="button-row">
        {person.disabled ? (
          <button
            type="button"
            className="button"
            data-testid="person-enable"
            disabled={busy}
            onClick={() => void change({ disabled: false }, `${person.name} can sign in again.`)}
          >
            Enable account
          </button>
        ) : (
          <button
            type="button"
            className="button danger"
            data-testid="person-disable"
            disabled={busy || person.id === me?.id}
            title={person.id === me?.id ? 'You cannot disable your own account.' : undefined}
            onClick={() =>
              void change(
                { disabled: true },
                `${person.name} is disabled; their consoles were signed out.`,
              )
            }
          >
            Disable account
          </button>
        )}
      </div>
      <h3>Reset password</h3>
      <label className="field">
        <span>New password (empty: generate one)</span>
        <input
          data-testid="person-reset-password"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNewPassword(e.target.value)}
        />
      </label>
      <button
        type="button"
        className="button"
        data-testid="person-reset"
        disabled={busy}
        onClick={() =>
          void change(
            newPassword ? { password: newPassword } : { generatePassword: true },
            `${person.name}’s password was reset; their consoles were signed out.`,
          )
        }
      >
        Reset password
      </button>
      {error && (
        <p className="form-error" role="alert" data-testid="person-panel-error">
          {error}
        </p>
      )}
      {note && (
        <p role="status" data-testid="person-panel-note">
          {note}
        </p>
      )}
      {generated && <OneTimePassword email={person.email} password={generated} />}
      {person.role === 'advertiser' && <GrantsPanel userId={person.id} name={person.name} />}
    </aside>
  );
}
