/**
 * People (admins): every account with its role, state, who is signed in now and when each
 * was last seen; add a person; pick one to change their role, disable or enable them, reset
 * their password, and (advertisers) choose the screens they see.
 */
import type { Person } from '../../../../../../protocol';
import { Empty, PageHeader } from '../../components/common';
import { useNow } from '../../state/clock';
import { href, navigate } from '../../state/router';
import { ago } from '../../format';
import { CreatePersonForm } from './CreatePersonForm';
import { PersonPanel } from './PersonPanel';
import { usePeople } from './usePeople';
import './people.css';

export function PeopleView({ userId }: { userId: string | null }) {
  const { people, error, reload } = usePeople();
  const selected = people?.find((p) => p.id === userId) ?? null;
  const online = people?.filter((p) => p.online).length ?? 0;
  return (
    <section className="people-view" aria-labelledby="people-title">
      <PageHeader title={<span id="people-title">People</span>}>
        <span className="muted" data-testid="people-online-count">
          {online} signed in now
        </span>
      </PageHeader>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="people-layout">
        <div>
          <CreatePersonForm
            onCreated={(p) => {
              void reload();
              navigate(href.people(p.id));
            }}
          />
          {people === null ? (
            <Empty>Loading people…</Empty>
          ) : (
            <PeopleTable people={people} selectedId={userId} />
          )}
        </div>
        {selected && <PersonPanel key={selected.id} person={selected} onChanged={reload} />}
      </div>
    </section>
  );
}

function PeopleTable({ people, selectedId }: { people: Person[]; selectedId: string | null }) {
  const now = useNow();
  return (
    <table className="people-table" data-testid="people-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Email</th>
          <th>Role</th>
          <th>Signed in</th>
          <th>Last seen</th>
        </tr>
      </thead>
      <tbody>
        {people.map((p) => (
          <tr
            key={p.id}
            data-testid="person-row"
            data-email={p.email}
            data-online={p.online}
            data-disabled={p.disabled}
            className={p.id === selectedId ? 'selected' : undefined}
          >
            <td>
              <a href={href.people(p.id)}>{p.name}</a>
              {p.disabled && <span className="people-tag disabled">disabled</span>}
            </td>
            <td className="mono">{p.email}</td>
            <td data-testid="person-row-role">{p.role}</td>
            <td data-testid="person-row-presence">
              {p.online
                ? 'Online now'
                : p.openSessions > 0
                  ? `${p.openSessions} open session${p.openSessions === 1 ? '' : 's'}`
                  : '—'}
            </td>
            <td>{p.online ? 'now' : p.lastSeenAt ? ago(p.lastSeenAt, now) : 'never'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
