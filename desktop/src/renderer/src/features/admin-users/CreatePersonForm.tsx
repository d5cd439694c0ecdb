/** "Add a person": name, e-mail, role and a password (or one generated, shown once). */
import { useState, type FormEvent } from 'react';
import type { Person, Role } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { message } from './usePeople';

export function CreatePersonForm({ onCreated }: { onCreated: (p: Person) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<{ email: string; password: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setShown(null);
    try {
      const res = await consoleApi.createUser({ name, email, role, password });
      if (res.generatedPassword)
        setShown({ email: res.user.email, password: res.generatedPassword });
      setName('');
      setEmail('');
      setPassword('');
      onCreated(res.user);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel people-create" noValidate onSubmit={(e) => void submit(e)}>
      <h2>Add a person</h2>
      <div className="people-create-fields">
        <label className="field">
          <span>Name</span>
          <input data-testid="person-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Email</span>
          <input
            data-testid="person-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            spellCheck={false}
          />
        </label>
        <label className="select-field block">
          <span>Role</span>
          <select
            data-testid="person-role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
          >
            <option value="operator">Operator</option>
            <option value="advertiser">Advertiser</option>
            <option value="admin">Admin</option>
          </select>
        </label>
        <label className="field">
          <span>Password (empty: generate one)</span>
          <input
            data-testid="person-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="person-error">
          {error}
        </p>
      )}
      {shown && <OneTimePassword email={shown.email} password={shown.password} />}
      <button type="submit" className="button primary" data-testid="person-create" disabled={busy}>
        {busy ? 'Adding…' : 'Add person'}
      </button>
    </form>
  );
}

/** A generated password: shown here once; the server keeps only its hash. */
export function OneTimePassword({ email, password }: { email: string; password: string }) {
  return (
    <div className="one-time-secret" role="status">
      <p>
        Password for <strong>{email}</strong>, shown only now — give it to them; they can change it
        in Settings:
      </p>
      <code className="mono" data-testid="generated-password">
        {password}
      </code>
    </div>
  );
}
