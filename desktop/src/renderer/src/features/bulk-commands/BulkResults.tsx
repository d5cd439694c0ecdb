/**
 * Where a bulk command stands on each of its screens: the server's command for that screen
 * (found by the request id it carries), or what this console still holds (waiting in the
 * outbox, refused by the server for that screen). Counts of succeeded, failed and pending on top.
 */
import { useMemo } from 'react';
import type { Command } from '../../../../../../protocol';
import type { LocalCommand } from '../../../../shared/console-api';
import { useConsole } from '../../state/store';
import { hhmmss } from '../../format';
import { useSelection, type BulkRun } from './selection';

type Outcome = 'succeeded' | 'failed' | 'pending';

interface ScreenResult {
  screenId: string;
  name: string;
  status: string;
  label: string;
  outcome: Outcome;
}

const LABEL: Record<string, string> = {
  queued: 'At the server',
  sent: 'On its way',
  accepted: 'Accepted by the screen',
  succeeded: 'Succeeded',
  failed: 'Failed',
  rejected: 'Refused by the screen',
  expired: 'Expired',
  waiting: 'Waiting to send',
  refused: 'Refused',
};
const outcomeOf = (status: string): Outcome =>
  status === 'succeeded'
    ? 'succeeded'
    : ['failed', 'rejected', 'expired', 'refused'].includes(status)
      ? 'failed'
      : 'pending';

const describe = (run: BulkRun): string =>
  run.type === 'setBrightness'
    ? `Brightness ${String(run.params.brightness)} %`
    : run.type === 'setPower'
      ? `Display power ${String(run.params.power)}`
      : run.type === 'reboot'
        ? 'Reboot'
        : run.type === 'refreshContent'
          ? 'Refresh content'
          : run.type;

export function resultsOf(
  run: BulkRun,
  commands: Map<string, Command>,
  local: LocalCommand[],
  nameOf: (id: string) => string,
): ScreenResult[] {
  const byScreen = new Map<string, Command>();
  for (const c of commands.values()) if (c.requestId === run.requestId) byScreen.set(c.screenId, c);
  const mine = local.filter((l) => l.id === run.requestId || l.id.startsWith(`${run.requestId}:`));
  return run.screenIds.map((screenId) => {
    const c = byScreen.get(screenId);
    const l = mine.find((x) => x.screenIds.includes(screenId));
    const status = c?.status ?? l?.state ?? 'waiting';
    const detail = c ? (c.status === 'succeeded' ? null : c.detail) : (l?.reason ?? null);
    const base = LABEL[status] ?? status;
    return {
      screenId,
      name: nameOf(screenId),
      status,
      label: detail ? `${base}: ${detail}` : base,
      outcome: outcomeOf(status),
    };
  });
}

function RunResults({ run }: { run: BulkRun }) {
  const commands = useConsole((s) => s.commands);
  const local = useConsole((s) => s.localCommands);
  const screens = useConsole((s) => s.screens);
  const rows = useMemo(
    () => resultsOf(run, commands, local, (id) => screens.get(id)?.name ?? id),
    [run, commands, local, screens],
  );
  const count = (o: Outcome) => rows.filter((r) => r.outcome === o).length;
  return (
    <section
      className="bulk-run"
      data-testid="bulk-run"
      data-request-id={run.requestId}
      aria-label={`${describe(run)} to ${run.screenIds.length} screens`}
    >
      <header className="bulk-run-head">
        <strong>{describe(run)}</strong>
        <span className="muted">
          {' '}
          to {run.screenIds.length} screens at {hhmmss(run.sentAt)}
        </span>
        <span className="bulk-counts">
          <span className="chip outcome-good" data-testid="bulk-succeeded">
            {count('succeeded')} succeeded
          </span>
          <span className="chip outcome-bad" data-testid="bulk-failed">
            {count('failed')} failed
          </span>
          <span className="chip" data-testid="bulk-pending">
            {count('pending')} pending
          </span>
        </span>
      </header>
      <ul className="bulk-rows">
        {rows.map((r) => (
          <li
            key={r.screenId}
            className={`bulk-row outcome-${r.outcome}`}
            data-testid="bulk-result"
            data-screen-id={r.screenId}
            data-status={r.status}
          >
            <span className="ellipsis">{r.name}</span>
            <span className="mono muted small">{r.screenId}</span>
            <span className="bulk-row-status">{r.label}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function BulkResults() {
  const runs = useSelection((s) => s.runs);
  if (runs.length === 0) return null;
  return (
    <div className="bulk-results panel" data-testid="bulk-results" aria-live="polite">
      <h2 className="bulk-results-title">Results</h2>
      {runs.slice(0, 3).map((r) => (
        <RunResults key={r.requestId} run={r} />
      ))}
    </div>
  );
}
