/**
 * Which screens an advertiser sees beyond their conversations': the grants, each revocable,
 * and a picker over the fleet (filter by name, id or tag; "all with tag" picks a tag's screens).
 */
import { useEffect, useMemo, useState } from 'react';
import type { ScreenGrant } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { message } from './usePeople';

export function GrantsPanel({ userId, name }: { userId: string; name: string }) {
  const screens = useConsole((s) => s.screens);
  const [grants, setGrants] = useState<ScreenGrant[] | null>(null);
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    consoleApi.listGrants({ userId }).then(
      (r) => setGrants(r.grants),
      (e: unknown) => setError(message(e)),
    );
  }, [userId]);

  const granted = useMemo(() => new Set(grants?.map((g) => g.screenId)), [grants]);
  const tags = useMemo(
    () => [...new Set([...screens.values()].flatMap((s) => s.tags))].sort(),
    [screens],
  );
  const q = filter.trim().toLowerCase();
  const candidates = [...screens.values()]
    .filter((s) => !granted.has(s.id))
    .filter(
      (s) =>
        !q ||
        s.name.toLowerCase().includes(q) ||
        s.id.toLowerCase().includes(q) ||
        s.tags.some((t) => t.toLowerCase() === q),
    )
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, 200);

  const run = async (verb: 'grant' | 'revoke', screenIds: string[]) => {
    setBusy(true);
    setError(null);
    try {
      const body = { userId, screenIds };
      const res = await (verb === 'grant'
        ? consoleApi.grantScreens(body)
        : consoleApi.revokeScreens(body));
      setGrants(res.grants);
      setPicked(new Set());
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (id: string) =>
    setPicked((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section className="grants" data-testid="grants-panel" aria-label={`Screens ${name} sees`}>
      <h3>Screens {name} sees</h3>
      <p className="muted">Besides these, the screens of conversations they take part in.</p>
      {grants === null ? (
        <p className="muted">Loading…</p>
      ) : grants.length === 0 ? (
        <p className="muted" data-testid="grants-empty">
          No screens granted.
        </p>
      ) : (
        <ul className="grant-list">
          {grants.map((g) => (
            <li key={g.screenId} data-testid="grant" data-screen-id={g.screenId}>
              <span>{screens.get(g.screenId)?.name ?? g.screenId}</span>
              <button
                type="button"
                className="button small ghost"
                data-testid="grant-revoke"
                disabled={busy}
                onClick={() => void run('revoke', [g.screenId])}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <label className="field">
        <span>Find screens (name, id or tag)</span>
        <input
          data-testid="grant-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          list="grant-tags"
        />
        <datalist id="grant-tags">
          {tags.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </label>
      <div className="button-row">
        <button
          type="button"
          className="button small"
          data-testid="grant-pick-all"
          disabled={candidates.length === 0}
          onClick={() => setPicked(new Set(candidates.map((s) => s.id)))}
        >
          Pick all {candidates.length} shown
        </button>
      </div>
      <ul className="grant-candidates">
        {candidates.map((s) => (
          <li key={s.id}>
            <label className="check">
              <input
                type="checkbox"
                data-testid="grant-candidate"
                data-screen-id={s.id}
                checked={picked.has(s.id)}
                onChange={() => toggle(s.id)}
              />
              {s.name} <span className="mono muted">{s.id}</span>
              {s.tags.map((t) => (
                <span key={t} className="people-tag">
                  {t}
                </span>
              ))}
            </label>
          </li>
        ))}
      </ul>
      {error && (
        <p className="form-error" role="alert" data-testid="grants-error">
          {error}
        </p>
      )}
      <button
        type="button"
        className="button primary"
        data-testid="grant-submit"
        disabled={busy || picked.size === 0}
        onClick={() => void run('grant', [...picked])}
      >
        Grant {picked.size} screen{picked.size === 1 ? '' : 's'}
      </button>
    </section>
  );
}
