/** People's alarm contacts (admins): e-mail address, time zone, quiet and working hours. */
import { useState, type FormEvent } from 'react';
import type { PersonContact } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { ScheduleFields, draftOf, scheduleOf, type ScheduleDraft } from './ScheduleFields';
import { errorText, type AlertingData } from './use-alerting';

function ContactForm({ contact, onDone }: { contact: PersonContact; onDone: () => void }) {
  const [email, setEmail] = useState(contact.email ?? '');
  const [draft, setDraft] = useState<ScheduleDraft>(() => draftOf(contact));
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await consoleApi.alertingSaveContact({
        userId: contact.userId,
        contact: { ...scheduleOf(draft), email: email.trim() || null },
      });
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="panel alerting-form" noValidate onSubmit={(e) => void submit(e)}>
      <h2>How {contact.name} is reached</h2>
      <label className="field">
        <span>Alarm e-mail address (empty: no e-mail)</span>
        <input
          data-testid="contact-email"
          type="email"
          value={email}
          spellCheck={false}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <ScheduleFields draft={draft} onChange={setDraft} idPrefix="contact" />
      {error && (
        <p className="form-error" role="alert" data-testid="contact-error">
          {error}
        </p>
      )}
      <button type="submit" className="button primary" data-testid="contact-save">
        Save
      </button>
    </form>
  );
}

const hours = (c: PersonContact) =>
  [
    c.quietHours ? `quiet ${c.quietHours.start}–${c.quietHours.end}` : null,
    c.workingHours ? `works ${c.workingHours.start}–${c.workingHours.end}` : null,
  ]
    .filter(Boolean)
    .join(', ') || 'always on duty';

export function ContactsPanel({
  data,
  reload,
}: {
  data: AlertingData;
  reload: () => Promise<void>;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const selected = data.contacts.find((c) => c.userId === editing) ?? null;
  return (
    <div className="alerting-two">
      <table className="alerting-table" data-testid="contacts-table">
        <thead>
          <tr>
            <th>Person</th>
            <th>Alarm e-mail</th>
            <th>Time zone</th>
            <th>Hours</th>
          </tr>
        </thead>
        <tbody>
          {data.contacts.map((c) => (
            <tr
              key={c.userId}
              data-testid="contact-row"
              className={c.userId === editing ? 'selected' : undefined}
            >
              <td>
                <button
                  type="button"
                  className="alerting-link"
                  onClick={() => setEditing(c.userId)}
                >
                  {c.name}
                </button>{' '}
                <span className="muted">{c.role}</span>
              </td>
              <td className="mono">{c.email ?? '—'}</td>
              <td>{c.timeZone}</td>
              <td>{hours(c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected && (
        <ContactForm
          key={selected.userId}
          contact={selected}
          onDone={() => {
            setEditing(null);
            void reload();
          }}
        />
      )}
    </div>
  );
}
