import { useEffect, useMemo, useState } from 'react';
import type {
  Command,
  CommandStatus,
  CommandType,
  DisplayPower,
  Screen,
  ScreenStatus,
} from '../../../../../protocol';
import type { LocalCommand, ScreenHistory } from '../../../shared/console-api';
import { consoleApi } from '../../console-api-client';
import { useConsole } from '../state/store';
import { can } from '../state/permissions';
import { href } from '../state/router';
import { useNow } from '../state/clock';
import { ago, duration, hhmm, hhmmss, isStale, pct, temp, when } from '../format';
import { Empty, StateBadge } from '../components/common';
import { Icon } from '../components/Icon';
import { Sparkline, type Point } from '../components/Sparkline';
import { AlarmRow } from '../components/AlarmRow';
import { SystemDetails } from '../features/screen/SystemDetails';
import { ScreenAdminPanel } from '../features/admin-screens/ScreenAdminPanel';
import { DesiredStatePanel } from '../features/desired-state/DesiredStatePanel';
import { useCurrentValue } from '../features/bulk-commands/current-value';
import { ScreenConversations, StartConversationLink } from '../features/conversations';
import { ScreenshotsPanel } from '../features/screenshots';
import { ScreenMaintenance } from '../features/alarm-rules/MaintenanceNote';

const MAX_POINTS = 720;

type Sample = ScreenHistory['telemetry'][number];

/** History from the core, then extended with each live update of the screen. */
function useLiveHistory(screen: Screen | undefined, screenId: string) {
  const [history, setHistory] = useState<ScreenHistory | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setHistory(null);
    setError(null);
    consoleApi
      .getScreenHistory({ screenId })
      .then((h) => {
        if (!cancelled)
          setHistory({
            states: [...h.states].sort((a, b) => a.ts - b.ts),
            telemetry: [...h.telemetry].sort((a, b) => a.ts - b.ts),
          });
      })
      .catch((e: unknown) => {
        if (!cancelled) {
          setError(e instanceof Error ? e.message : String(e));
          setHistory({ states: [], telemetry: [] });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [screenId]);

  const t = screen?.telemetry;
  useEffect(() => {
    if (!t) return;
    setHistory((h) => {
      if (!h) return h;
      const last = h.telemetry.at(-1);
      if (last && last.ts >= t.ts) return h;
      const sample: Sample = {
        ts: t.ts,
        temperatureC: t.temperatureC,
        cpuPct: t.cpuPct,
        memoryPct: t.memoryPct,
        brightness: t.display.brightness,
      };
      return { ...h, telemetry: [...h.telemetry, sample].slice(-MAX_POINTS) };
    });
  }, [t]);

  const state = screen?.state;
  const since = screen?.stateSince;
  useEffect(() => {
    if (!state) return;
    setHistory((h) => {
      if (!h) return h;
      const last = h.states.at(-1);
      if (last && last.state === state) return h;
      const ts = Math.max(since ?? Date.now(), last?.ts ?? 0);
      return { ...h, states: [...h.states, { state, ts }] };
    });
  }, [state, since]);

  return { history, error };
}

function StateTimeline({ states, now }: { states: ScreenHistory['states']; now: number }) {
  if (states.length === 0) return <p className="muted">No state changes recorded.</p>;
  const from = Math.max(states[0]!.ts, now - 24 * 3600_000);
  const span = Math.max(1, now - from);
  const segments = states
    .map((s, i) => {
      const start = Math.max(s.ts, from);
      const end = states[i + 1]?.ts ?? now;
      return { state: s.state, start, end };
    })
    .filter((s) => s.end > from);
  return (
    <div className="timeline">
      <div className="timeline-bar" role="img" aria-label="State over time">
        {segments.map((s, i) => (
          <span
            key={i}
            className={`timeline-seg state-${s.state}`}
            style={{
              left: `${((s.start - from) / span) * 100}%`,
              width: `${Math.max(0.3, ((s.end - s.start) / span) * 100)}%`,
            }}
            title={`${s.state} from ${when(s.start)}${i < segments.length - 1 ? ` to ${when(s.end)}` : ''}`}
          />
        ))}
      </div>
      <div className="timeline-axis">
        <span>{when(from)}</span>
        <span>now</span>
      </div>
      <ol className="timeline-list">
        {[...states]
          .reverse()
          .slice(0, 8)
          .map((s, i) => (
            <li key={`${s.ts}-${i}`}>
              <StateBadge state={s.state as ScreenStatus} />
              <time>{when(s.ts)}</time>
            </li>
          ))}
      </ol>
    </div>
  );
}

/** Where a command is on its way: in this console, at the server, at the screen, done. */
const statusSteps = ['console', 'server', 'screen', 'done'] as const;

function describeParams(c: Pick<Command, 'type' | 'params'>): string {
  if (c.type === 'setBrightness') return `${String(c.params.brightness)} %`;
  if (c.type === 'setPower') return String(c.params.power);
  return '';
}

const commandLabel: Record<CommandType, string> = {
  reboot: 'Reboot',
  setBrightness: 'Set brightness',
  setPower: 'Set power',
  refreshContent: 'Refresh content',
  screenshot: 'Screenshot',
};

/** A command as the screen detail shows it: the server's, or one only this console has. */
interface CommandView {
  id: string;
  type: CommandType;
  params: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** `data-status`: the server's status, or `waiting` / `refused` / `expired` for local ones. */
  status: string;
  /** What happened, as a sentence: "Waiting to send (offline)", "Failed: no player". */
  label: string;
  /** The last step reached (index into statusSteps), and whether it ended badly. */
  reached: number;
  outcome: 'pending' | 'good' | 'bad';
  /** Who sent it (server commands); null for this console's own, not yet stored. */
  sender: string | null;
}

/**
 * Each server status as a person reads it. Keyed by the protocol's CommandStatus; a status
 * added there later shows by its name until it gets a label here.
 */
const serverStatus: {
  [K in CommandStatus]?: { label: string; reached: number; outcome: CommandView['outcome'] };
} = {
  queued: { label: 'Sent to server', reached: 1, outcome: 'pending' },
  sent: { label: 'On its way to the screen', reached: 1, outcome: 'pending' },
  accepted: { label: 'Delivered — accepted by the screen', reached: 2, outcome: 'pending' },
  succeeded: { label: 'Succeeded', reached: 3, outcome: 'good' },
  failed: { label: 'Failed', reached: 2, outcome: 'bad' },
  rejected: { label: 'Refused by the screen', reached: 2, outcome: 'bad' },
  expired: { label: 'Expired', reached: 1, outcome: 'bad' },
};

function viewOfServerCommand(c: Command): CommandView {
  const known = serverStatus[c.status] ?? { label: c.status, reached: 1, outcome: 'pending' };
  const detail = c.detail;
  return {
    id: c.id,
    type: c.type,
    params: c.params,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    status: c.status,
    label: detail && known.outcome !== 'good' ? `${known.label}: ${detail}` : known.label,
    reached: known.reached,
    outcome: known.outcome,
    sender: c.createdByName ?? c.createdBy,
  };
}

function viewOfLocalCommand(c: LocalCommand, live: boolean): CommandView {
  return {
    id: c.id,
    type: c.type,
    params: c.params,
    createdAt: c.createdAt,
    updatedAt: c.createdAt,
    status: c.state,
    label:
      c.state === 'refused'
        ? `Refused: ${c.reason ?? 'the server did not take it.'}`
        : c.state === 'expired'
          ? (c.reason ?? 'Expired before it could be sent.')
          : live
            ? 'Sending to the server…'
            : 'Waiting to send (offline)',
    reached: 0,
    outcome: c.state === 'waiting' ? 'pending' : 'bad',
    sender: null,
  };
}

function CommandItem({ command }: { command: CommandView }) {
  const failed = command.outcome === 'bad';
  return (
    <li
      className={`command-item status-${command.status}`}
      data-testid="command-status"
      data-command-id={command.id}
      data-status={command.status}
    >
      <div className="command-head">
        <span className="command-type">
          {commandLabel[command.type]} <span className="muted">{describeParams(command)}</span>
        </span>
        <span className={`command-pill outcome-${command.outcome}`} data-testid="command-state">
          {command.label}
        </span>
      </div>
      <ol className="command-steps" aria-hidden="true">
        {statusSteps.map((s, i) => (
          <li
            key={s}
            className={
              i <= command.reached ? 'reached' : failed && i === command.reached + 1 ? 'failed' : ''
            }
          >
            {s}
          </li>
        ))}
      </ol>
      <div className="command-meta">
        <time>{hhmmss(command.createdAt)}</time>
        {command.sender && <span data-testid="command-sender"> · by {command.sender}</span>}
      </div>
    </li>
  );
}

function CommandPanel({ screen }: { screen: Screen }) {
  // A retired screen takes no commands (the server refuses them): offer none.
  const caps = new Set(screen.retired ? [] : screen.capabilities);
  const [brightness, setBrightness] = useCurrentValue(screen.telemetry?.display.brightness, 80);
  const [power, setPower] = useCurrentValue<DisplayPower>(screen.telemetry?.display.power, 'on');
  const [busy, setBusy] = useState<CommandType | null>(null);
  const [error, setError] = useState<string | null>(null);
  const allCommands = useConsole((s) => s.commands);
  const localCommands = useConsole((s) => s.localCommands);
  const live = useConsole((s) => s.connection.status === 'live' && s.hostLostAt === null);

  const commands = useMemo(() => {
    const views = [...allCommands.values()]
      .filter((c) => c.screenId === screen.id)
      .map(viewOfServerCommand);
    for (const c of localCommands)
      if (c.screenIds.includes(screen.id)) views.push(viewOfLocalCommand(c, live));
    return views.sort((a, b) => b.createdAt - a.createdAt).slice(0, 30);
  }, [allCommands, localCommands, live, screen.id]);

  const send = async (type: CommandType, params: Record<string, unknown> = {}) => {
    setBusy(type);
    setError(null);
    try {
      // The core reports the command at once (localCommands), then as the server stores it.
      await consoleApi.sendCommand({ screenIds: [screen.id], type, params });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="panel" aria-labelledby="commands-title">
      <h2 id="commands-title">Commands</h2>
      {caps.size === 0 && (
        <p className="muted">
          {screen.retired
            ? 'This screen is retired; it takes no commands.'
            : "This screen's agent accepts no commands."}
        </p>
      )}
      <div className="command-buttons">
        {caps.has('reboot') && (
          <button
            type="button"
            className="button"
            data-testid="command-button-reboot"
            disabled={busy !== null}
            onClick={() => void send('reboot')}
          >
            Reboot
          </button>
        )}
        {caps.has('refreshContent') && (
          <button
            type="button"
            className="button"
            data-testid="command-button-refreshContent"
            disabled={busy !== null}
            onClick={() => void send('refreshContent')}
          >
            Refresh content
          </button>
        )}
        {caps.has('screenshot') && (
          <button
            type="button"
            className="button"
            data-testid="command-button-screenshot"
            disabled={busy !== null}
            onClick={() => void send('screenshot')}
          >
            Screenshot
          </button>
        )}
      </div>
      {caps.has('setBrightness') && (
        <div className="command-row">
          <label className="range-field">
            <span>Brightness</span>
            <input
              type="range"
              min={0}
              max={100}
              step={1}
              value={brightness}
              data-testid="command-brightness"
              onChange={(e) => setBrightness(Number(e.target.value))}
            />
            <output className="mono">{brightness} %</output>
          </label>
          <button
            type="button"
            className="button"
            data-testid="command-button-setBrightness"
            disabled={busy !== null}
            onClick={() => void send('setBrightness', { brightness })}
          >
            Set brightness
          </button>
        </div>
      )}
      {caps.has('setPower') && (
        <div className="command-row">
          <label className="select-field">
            <span>Display power</span>
            <select
              value={power}
              data-testid="command-power"
              onChange={(e) => setPower(e.target.value as DisplayPower)}
            >
              <option value="on">On</option>
              <option value="standby">Standby</option>
              <option value="off">Off</option>
            </select>
          </label>
          <button
            type="button"
            className="button"
            data-testid="command-button-setPower"
            disabled={busy !== null}
            onClick={() => void send('setPower', { power })}
          >
            Set power
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="command-error">
          {error}
        </p>
      )}
      <h3>Sent commands</h3>
      {commands.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="command-list" aria-live="polite">
          {commands.map((c) => (
            <CommandItem key={c.id} command={c} />
          ))}
        </ul>
      )}
    </section>
  );
}

const series = (samples: Sample[], pick: (s: Sample) => number | null): Point[] =>
  samples.map((s) => ({ ts: s.ts, v: pick(s) }));

export function ScreenDetail({ screenId }: { screenId: string }) {
  const screen = useConsole((s) => s.screens.get(screenId));
  const forgotten = useConsole((s) => s.forgottenScreens.has(screenId));
  const allAlarms = useConsole((s) => s.alarms);
  const user = useConsole((s) => s.user);
  const now = useNow();
  const { history, error } = useLiveHistory(screen, screenId);

  const alarms = useMemo(
    () =>
      [...allAlarms.values()]
        .filter((a) => a.screenId === screenId)
        .sort(
          (a, b) =>
            Number(a.status === 'cleared') - Number(b.status === 'cleared') ||
            b.raisedAt - a.raisedAt,
        ),
    [allAlarms, screenId],
  );

  if (!screen) {
    return (
      <section className="screen-detail" data-testid="screen-detail">
        <a className="back-link" href={href.fleet()}>
          <Icon name="back" size={16} /> Fleet
        </a>
        <Empty>
          {forgotten ? (
            <span data-testid="screen-not-shared">This screen is no longer shared with you.</span>
          ) : (
            <>No screen with id “{screenId}” is known to this console.</>
          )}
        </Empty>
      </section>
    );
  }

  const t = screen.telemetry;
  const samples = history?.telemetry ?? [];
  const stale = isStale(screen.state, screen.lastSeen, now);

  return (
    <section
      className="screen-detail"
      data-testid="screen-detail"
      data-screen-id={screen.id}
      aria-labelledby="screen-title"
    >
      <a className="back-link" href={href.fleet()}>
        <Icon name="back" size={16} /> Fleet
      </a>
      <div className="detail-header">
        <div>
          <h1 id="screen-title">{screen.name}</h1>
          <div className="detail-sub">
            <span className="mono">{screen.id}</span>
            {screen.address && <span>{screen.address}</span>}
            {screen.tags.map((t) => (
              <span key={t} className="chip">
                {t}
              </span>
            ))}
            {screen.retired && <span className="chip warn">retired</span>}
            <StartConversationLink screenId={screen.id} />
          </div>
        </div>
        <div className="detail-state">
          <StateBadge state={screen.state} />
          {stale && <span className="stale-mark">stale</span>}
          <span className="muted">
            {screen.stateSince !== null && <>since {when(screen.stateSince)} · </>}seen{' '}
            {ago(screen.lastSeen, now)}
          </span>
        </div>
      </div>

      <ScreenMaintenance screen={screen} />
      <div className="detail-grid">
        <section className="panel" aria-labelledby="now-title">
          <h2 id="now-title">Now playing</h2>
          {t?.content ? (
            <div className="now-playing">
              <div className="now-title">{t.content.title}</div>
              <dl className="kv">
                <dt>Campaign</dt>
                <dd className="mono">{t.content.campaignId}</dd>
                <dt>Creative</dt>
                <dd className="mono">{t.content.creativeId}</dd>
                <dt>Since</dt>
                <dd>{hhmm(t.content.since)}</dd>
              </dl>
            </div>
          ) : (
            <p className="muted">Nothing playing.</p>
          )}
          <dl className="kv">
            <dt>Display</dt>
            <dd>{t ? `${t.display.power}, brightness ${t.display.brightness} %` : '—'}</dd>
            <dt>Uptime</dt>
            <dd>{t ? duration(t.uptimeS) : '—'}</dd>
            <dt>Disk</dt>
            <dd>{pct(t?.diskPct)}</dd>
            <dt>Agent</dt>
            <dd className="mono">{screen.agentVersion ?? '—'}</dd>
          </dl>
        </section>

        <section className="panel span-2" aria-labelledby="telemetry-title">
          <h2 id="telemetry-title">
            Telemetry {t && <span className="muted small">updated {ago(t.ts, now)}</span>}
          </h2>
          {error && <p className="form-error">History unavailable: {error}</p>}
          <div className="sparks">
            <Sparkline
              label="Temperature"
              tone="warm"
              points={series(samples, (s) => s.temperatureC)}
              format={(v) => temp(v)}
            />
            <Sparkline
              label="CPU"
              points={series(samples, (s) => s.cpuPct)}
              format={pct}
              domain={[0, 100]}
            />
            <Sparkline
              label="Memory"
              tone="good"
              points={series(samples, (s) => s.memoryPct)}
              format={pct}
              domain={[0, 100]}
            />
            <Sparkline
              label="Brightness"
              tone="muted"
              points={series(samples, (s) => s.brightness)}
              format={pct}
              domain={[0, 100]}
            />
          </div>
        </section>

        <SystemDetails telemetry={t} />

        <section className="panel span-2" aria-labelledby="timeline-title">
          <h2 id="timeline-title">State timeline</h2>
          {history ? (
            <StateTimeline states={history.states} now={now} />
          ) : (
            <p className="muted">Loading…</p>
          )}
        </section>

        {/* Advertisers see their screens; commands and alarms are the operators'. */}
        {can(user, 'sendCommands') && <CommandPanel key={screen.id} screen={screen} />}
        <ScreenshotsPanel key={`shots-${screen.id}`} screen={screen} />
        <ScreenConversations screenId={screen.id} />

        <ScreenAdminPanel screen={screen} />
        <DesiredStatePanel screen={screen} />

        {can(user, 'seeAlarms') && (
          <section className="panel span-3" aria-labelledby="screen-alarms-title">
            <h2 id="screen-alarms-title">Alarms</h2>
            {alarms.length === 0 ? (
              <p className="muted">No alarms for this screen.</p>
            ) : (
              <ul className="alarm-list">
                {alarms.map((a) => (
                  <AlarmRow key={a.id} alarm={a} showScreen={false} />
                ))}
              </ul>
            )}
          </section>
        )}
      </div>
    </section>
  );
}
