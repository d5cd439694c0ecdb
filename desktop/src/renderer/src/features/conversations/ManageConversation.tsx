/**
 * A conversation's settings, from its thread header: rename it, add and remove people (groups;
 * staff), or leave a group. Every change reaches the other participants' consoles live (the
 * server's `conversationUpdate`).
 */
import { useState, type FormEvent } from 'react';
import type { Conversation } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { can } from '../../state/permissions';
import { href, navigate } from '../../state/router';
import { usePeople } from './people';
import './conversations.css';

function Manager({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const me = useConsole((s) => s.user?.id);
  const staff = useConsole((s) => can(s.user, 'manageConversations'));
  const { people } = usePeople();
  const [title, setTitle] = useState(conversation.title);
  const [adding, setAdding] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const group = conversation.kind === 'group';
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const rename = (e: FormEvent) => {
    e.preventDefault();
    void run(() => consoleApi.updateConversation({ conversationId: conversation.id, title }));
  };
  const inIt = new Set(conversation.participants.map((p) => p.userId));
  const addable = people.filter((p) => !inIt.has(p.id));
  const mayRename = staff || (group && inIt.has(me ?? ''));

  return (
    <div className="conv-manage panel" data-testid="conv-manage">
      {mayRename && (
        <form className="conv-rename" onSubmit={rename} noValidate>
          <label className="field">
            <span>Title</span>
            <input
              data-testid="conv-title-input"
              value={title}
              maxLength={400}
              onChange={(e) => setTitle(e.target.value)}
            />
          </label>
          <button type="submit" className="button small" disabled={busy} data-testid="conv-rename">
            Rename
          </button>
        </form>
      )}
      <h3>People</h3>
      <ul className="conv-people">
        {conversation.participants.map((p) => (
          <li key={p.userId} data-testid="conv-participant" data-user-id={p.userId}>
            {p.name} <span className="muted small">· {p.role}</span>
            {group && (staff || p.userId === me) && (
              <button
                type="button"
                className="button ghost small"
                disabled={busy}
                data-testid="conv-remove"
                onClick={() =>
                  void run(async () => {
                    await consoleApi.removeParticipant({
                      conversationId: conversation.id,
                      userId: p.userId,
                    });
                    if (p.userId === me) navigate(href.messages());
                  })
                }
              >
                {p.userId === me ? 'Leave' : 'Remove'}
              </button>
            )}
          </li>
        ))}
      </ul>
      {group && staff && (
        <div className="conv-add">
          <label className="select-field">
            <span>Add</span>
            <select
              data-testid="conv-add-select"
              value={adding}
              onChange={(e) => setAdding(e.target.value)}
            >
              <option value="">Choose a person…</option>
              {addable.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.role})
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button small"
            disabled={busy}
            data-testid="conv-add"
            onClick={() =>
              adding
                ? void run(async () => {
                    await consoleApi.addParticipant({
                      conversationId: conversation.id,
                      userId: adding,
                    });
                    setAdding('');
                  })
                : setError('Choose the person to add first.')
            }
          >
            Add
          </button>
        </div>
      )}
      {!group && (
        <p className="muted small">
          A direct conversation stays between its two people; start a group to bring in more.
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="conv-manage-error">
          {error}
        </p>
      )}
      <button type="button" className="button ghost small" onClick={onClose}>
        Close
      </button>
    </div>
  );
}

/** The header button, and the settings under it when open. */
export function ManageConversation({ conversation }: { conversation: Conversation }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button ghost small"
        aria-expanded={open}
        data-testid="conv-manage-toggle"
        onClick={() => setOpen(!open)}
      >
        People & title
      </button>
      {open && <Manager conversation={conversation} onClose={() => setOpen(false)} />}
    </>
  );
}
