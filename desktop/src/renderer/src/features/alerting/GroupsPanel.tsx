/** On-call groups: a name and members in order; the first member on duty is the one reached. */
import { useState, type FormEvent } from 'react';
import type { OnCallGroup } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Empty } from '../../components/common';
import { errorText, type AlertingData } from './use-alerting';

function GroupForm({
  group,
  data,
  onDone,
}: {
  group: OnCallGroup | null;
  data: AlertingData;
  onDone: (saved: boolean) => void;
}) {
  const [name, setName] = useState(group?.name ?? '');
  const [members, setMembers] = useState<string[]>(group?.memberIds ?? []);
  const [error, setError] = useState<string | null>(null);
  const nameOf = (id: string) => data.contacts.find((c) => c.userId === id)?.name ?? id;
  const move = (i: number, by: number) => {
    const next = [...members];
    const [m] = next.splice(i, 1);
    next.splice(i + by, 0, m!);
    setMembers(next);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await consoleApi.alertingSaveGroup({ id: group?.id, group: { name, memberIds: members } });
      onDone(true);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="panel alerting-form" noValidate onSubmit={(e) => void submit(e)}>
      <h2>{group ? `Edit “${group.name}”` : 'New on-call group'}</h2>
      <label className="field">
        <span>Name</span>
        <input data-testid="group-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <ol className="alerting-members">
        {members.map((id, i) => (
          <li key={id}>
            {nameOf(id)}
            <button
              type="button"
              className="button ghost"
              disabled={i === 0}
              onClick={() => move(i, -1)}
            >
              Up
            </button>
            <button
              type="button"
              className="button ghost"
              disabled={i === members.length - 1}
              onClick={() => move(i, 1)}
            >
              Down
            </button>
            <button
              type="button"
              className="button ghost"
              onClick={() => setMembers(members.filter((m) => m !== id))}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <label className="select-field block">
        <span>Add a member</span>
        <select
          data-testid="group-add-member"
          value=""
          onChange={(e) => e.target.value && setMembers([...members, e.target.value])}
        >
          <option value="">Choose…</option>
          {data.contacts
            .filter((c) => !members.includes(c.userId))
            .map((c) => (
              <option key={c.userId} value={c.userId}>
                {c.name}
              </option>
            ))}
        </select>
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="group-error">
          {error}
        </p>
      )}
      <div className="alerting-actions">
        <button type="submit" className="button primary" data-testid="group-save">
          Save group
        </button>
        <button type="button" className="button ghost" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function GroupsPanel({ data, reload }: { data: AlertingData; reload: () => Promise<void> }) {
  const [editing, setEditing] = useState<OnCallGroup | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const nameOf = (id: string) => data.contacts.find((c) => c.userId === id)?.name ?? id;
  const remove = async (g: OnCallGroup) => {
    if (!window.confirm(`Delete on-call group “${g.name}”?`)) return;
    try {
      await consoleApi.alertingDeleteGroup({ id: g.id });
      setError(null);
      await reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <div>
      {editing ? (
        <GroupForm
          group={editing === 'new' ? null : editing}
          data={data}
          onDone={(saved) => {
            setEditing(null);
            if (saved) void reload();
          }}
        />
      ) : (
        <button
          type="button"
          className="button primary"
          data-testid="group-new"
          onClick={() => setEditing('new')}
        >
          New on-call group
        </button>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="groups-error">
          {error}
        </p>
      )}
      {data.groups.length === 0 ? (
        <Empty>No on-call groups. A group reaches the first of its members who is on duty.</Empty>
      ) : (
        <ul className="alerting-list">
          {data.groups.map((g) => (
            <li key={g.id} className="alerting-item" data-testid="group-row">
              <div>
                <strong>{g.name}</strong>
                <div className="muted">{g.memberIds.map(nameOf).join(' → ')}</div>
              </div>
              <div className="alerting-actions">
                <button type="button" className="button ghost" onClick={() => setEditing(g)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="button ghost danger"
                  onClick={() => void remove(g)}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
