/**
 * Desired state per tag (operators and admins), a small panel on the fleet view: pick a tag,
 * set what every screen with it should be (a screen's own setting wins; between tags, the one
 * listed first on the screen). Read and saved live, on opening.
 */
import { useEffect, useState } from 'react';
import type { TagDesired } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { can } from '../../state/permissions';
import { specSummary } from './drift-text';
import { emptyFields, fieldsOfSpec, specOfFields, SpecInputs } from './spec-form';
import './desired-state.css';

export function TagDesiredPanel({ tags }: { tags: string[] }) {
  const user = useConsole((s) => s.user);
  const [open, setOpen] = useState(false);
  if (!can(user, 'sendCommands')) return null;
  return (
    <details
      className="desired-tags"
      data-testid="tag-desired"
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>Desired state by tag</summary>
      {open && <TagEditor tags={tags} />}
    </details>
  );
}

function TagEditor({ tags }: { tags: string[] }) {
  const [list, setList] = useState<TagDesired[] | null>(null);
  const [tag, setTag] = useState('');
  const [fields, setFields] = useState(emptyFields);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const reload = () =>
    consoleApi.listTagDesired({}).then(
      (r) => setList(r.tags),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  useEffect(() => void reload(), []);

  const pick = (t: string) => {
    setTag(t);
    setNote(null);
    setError(null);
    setFields(fieldsOfSpec(list?.find((d) => d.tag === t)?.spec ?? {}));
  };
  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      setNote(await fn());
      await reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const known = [...new Set([...tags, ...(list ?? []).map((d) => d.tag)])].sort();

  return (
    <div className="desired-tag-editor">
      {list && list.length > 0 && (
        <ul className="desired-tag-list" data-testid="tag-desired-list">
          {list.map((d) => (
            <li key={d.tag}>
              <button type="button" className="button ghost small" onClick={() => pick(d.tag)}>
                {d.tag}
              </button>{' '}
              {specSummary(d.spec)}
            </li>
          ))}
        </ul>
      )}
      <label className="select-field">
        <span>Tag</span>
        <select value={tag} data-testid="tag-desired-tag" onChange={(e) => pick(e.target.value)}>
          <option value="">Choose a tag…</option>
          {known.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {tag && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await consoleApi.setTagDesired({ tag, spec: specOfFields(fields) });
              return `Saved for every screen tagged ${tag}.`;
            });
          }}
        >
          <SpecInputs
            fields={fields}
            onChange={setFields}
            idPrefix="tag-desired"
            inheritedHint="not set"
          />
          <div className="button-row">
            <button
              type="submit"
              className="button primary"
              disabled={busy}
              data-testid="tag-desired-save"
            >
              Save for tag {tag}
            </button>
            {list?.some((d) => d.tag === tag) && (
              <button
                type="button"
                className="button ghost"
                disabled={busy}
                data-testid="tag-desired-remove"
                onClick={() =>
                  void run(async () => {
                    await consoleApi.clearTagDesired({ tag });
                    setFields(emptyFields());
                    return `Removed; screens tagged ${tag} no longer take it.`;
                  })
                }
              >
                Remove
              </button>
            )}
          </div>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="tag-desired-error">
          {error}
        </p>
      )}
      {note && (
        <p className="form-hint" data-testid="tag-desired-note">
          {note}
        </p>
      )}
    </div>
  );
}
