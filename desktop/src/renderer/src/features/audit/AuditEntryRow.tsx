/** One audit entry: when, who, what, the target (a screen links to its detail), details. */
import { useState } from 'react';
import type { AuditEntry } from '../../../../../../protocol';
import { full } from '../../format';
import { href } from '../../state/router';

const roleLabel: Record<string, string> = {
  admin: 'Admin',
  operator: 'Operator',
  advertiser: 'Advertiser',
};

/** The screen an entry is about, when it is about one (directly, or an alarm on one). */
function screenOf(entry: AuditEntry): string | null {
  if (entry.targetType === 'screen') return entry.targetId;
  const id = entry.details?.screenId;
  return typeof id === 'string' && id ? id : null;
}

function Target({ entry }: { entry: AuditEntry }) {
  const screenId = screenOf(entry);
  if (screenId)
    return (
      <a href={href.screen(screenId)} className="audit-target" data-testid="audit-target">
        Screen {screenId}
      </a>
    );
  if (!entry.targetId) return <span className="audit-target muted">{entry.targetType}</span>;
  return (
    <span className="audit-target muted" title={entry.targetId}>
      {entry.targetType} <span className="mono">{entry.targetId}</span>
    </span>
  );
}

function DetailValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (typeof value === 'object') return <code className="mono">{JSON.stringify(value)}</code>;
  return <>{String(value)}</>;
}

export function AuditEntryRow({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const details = Object.entries(entry.details ?? {});
  const detailsId = `audit-details-${entry.seq}`;
  return (
    <li className="audit-row" data-testid="audit-row" data-action={entry.action}>
      <div className="audit-line">
        <time className="audit-when" dateTime={new Date(entry.ts).toISOString()}>
          {full(entry.ts)}
        </time>
        <span className="audit-who">
          <span className="audit-name">{entry.actor.name}</span>
          {entry.actor.role && (
            <span className={`audit-role role-${entry.actor.role}`}>
              {roleLabel[entry.actor.role] ?? entry.actor.role}
            </span>
          )}
        </span>
        <span className="audit-what" data-testid="audit-summary">
          {entry.summary}
        </span>
        <Target entry={entry} />
        <button
          type="button"
          className="button ghost small"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? 'Hide details' : 'Details'}
        </button>
      </div>
      {open && (
        <dl className="kv audit-details" id={detailsId} data-testid="audit-details">
          <dt>Action</dt>
          <dd className="mono">{entry.action}</dd>
          <dt>Entry</dt>
          <dd className="mono">#{entry.seq}</dd>
          {entry.actor.id && (
            <>
              <dt>Actor id</dt>
              <dd className="mono">{entry.actor.id}</dd>
            </>
          )}
          {details.map(([k, v]) => (
            <div key={k} className="audit-detail">
              <dt>{k}</dt>
              <dd>
                <DetailValue value={v} />
              </dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
