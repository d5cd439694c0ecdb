/**
 * Start a conversation: direct (one person) or group (staff only), an optional title, and
 * optionally about a screen (opened from that screen's detail). The people offered are the
 * server's list of who this user may reach: an advertiser sees the operations team only.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { can } from '../../state/permissions';
import { href, navigate } from '../../state/router';
import { Empty, PresenceDot } from '../../components/common';
import { Icon } from '../../components/Icon';
import { usePeople } from './people';
import './conversations.css';

export function NewConversationView({ screenId }: { screenId: string | null }) {
  const user = useConsole((s) => s.user);
  const screen = useConsole((s) => (screenId ? s.screens.get(screenId) : undefined));
  const staff = can(user, 'manageConversations');
  const { people, error: loadError } = usePeople();
  const [kind, setKind] = useState<'direct' | 'group'>('direct');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return q
      ? people.filter((p) => `${p.name} ${p.email} ${p.role}`.toLowerCase().includes(q))
      : people;
  }, [people, filter]);

  const toggle = (id: string) => {
    setError(null);
    setPicked((prev) => {
      if (kind === 'direct') return new Set(prev.has(id) ? [] : [id]);
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (picked.size === 0) return setError('Pick at least one person to talk to.');
    if (kind === 'direct' && picked.size > 1)
      return setError('A direct conversation is with exactly one person; choose Group for more.');
    setBusy(true);
    try {
      const { conversation } = await consoleApi.createConversation({
        kind,
        participantIds: [...picked],
        // An empty title means "the participants' names" (the server's default).
        ...(title === '' ? {} : { title }),
        ...(screenId ? { screenId } : {}),
      });
      navigate(href.messages(conversation.id));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="new-conversation" aria-labelledby="new-conv-title">
      <a className="back-link" href={screenId ? href.screen(screenId) : href.messages()}>
        <Icon name="back" size={16} /> {screenId ? (screen?.name ?? screenId) : 'Messages'}
      </a>
      <h1 id="new-conv-title">New conversation</h1>
      <form className="panel new-conv-form" onSubmit={(e) => void submit(e)} noValidate>
        {screenId && (
          <p className="new-conv-about" data-testid="new-conv-screen">
            About screen <strong>{screen?.name ?? screenId}</strong>{' '}
            <span className="mono muted">{screenId}</span>
          </p>
        )}
        {staff && (
          <div className="segmented" role="radiogroup" aria-label="Kind">
            {(['direct', 'group'] as const).map((k) => (
              <button
                key={k}
                type="button"
                role="radio"
                aria-checked={kind === k}
                aria-pressed={kind === k}
                data-testid={`new-conv-kind-${k}`}
                onClick={() => {
                  setKind(k);
                  if (k === 'direct' && picked.size > 1) setPicked(new Set());
                }}
              >
                {k === 'direct' ? 'Direct' : 'Group'}
              </button>
            ))}
          </div>
        )}
        <label className="field">
          <span>Title (optional: the names are used otherwise)</span>
          <input
            data-testid="new-conv-title"
            value={title}
            maxLength={400}
            onChange={(e) => {
              setTitle(e.target.value);
              setError(null);
            }}
          />
        </label>
        <fieldset className="new-conv-people">
          <legend>
            {kind === 'direct' ? 'With' : 'People'}{' '}
            <span className="muted" data-testid="new-conv-picked">
              ({picked.size} picked)
            </span>
          </legend>
          <input
            type="search"
            placeholder="Find by name, email or role"
            data-testid="new-conv-filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          {kind === 'group' && (
            <div className="button-row">
              <button
                type="button"
                className="button ghost small"
                data-testid="new-conv-pick-shown"
                onClick={() => setPicked((prev) => new Set([...prev, ...shown.map((p) => p.id)]))}
              >
                Pick the {shown.length} shown
              </button>
              <button
                type="button"
                className="button ghost small"
                data-testid="new-conv-clear"
                disabled={picked.size === 0}
                onClick={() => setPicked(new Set())}
              >
                Clear
              </button>
            </div>
          )}
          {loadError && (
            <p className="form-error" role="alert">
              {loadError}
            </p>
          )}
          {shown.length === 0 && !loadError ? (
            <Empty>{people.length ? 'Nobody matches.' : 'Nobody to talk to yet.'}</Empty>
          ) : (
            <ul className="people-list">
              {shown.map((p) => (
                <li key={p.id}>
                  <label className="check">
                    <input
                      type={kind === 'direct' ? 'radio' : 'checkbox'}
                      name="people"
                      checked={picked.has(p.id)}
                      data-testid="new-conv-person"
                      data-user-id={p.id}
                      onChange={() => toggle(p.id)}
                    />
                    <PresenceDot userId={p.id} name={p.name} /> {p.name}
                    <span className="muted small"> · {p.role}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        {error && (
          <p className="form-error" role="alert" data-testid="new-conv-error">
            {error}
          </p>
        )}
        <div className="button-row">
          <button
            type="submit"
            className="button primary"
            disabled={busy}
            data-testid="new-conv-start"
          >
            Start conversation
          </button>
        </div>
      </form>
    </section>
  );
}
