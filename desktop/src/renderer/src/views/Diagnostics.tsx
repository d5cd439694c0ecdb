import { useEffect, useMemo, useRef, useState } from 'react';
import { consoleApi } from '../../console-api-client';
import { addLocalMessage, useConsole } from '../state/store';
import { useSelector } from '../state/create-store';
import { clearEventLog, eventLog } from '../state/event-log';
import { full, hhmmss } from '../format';
import { PresenceDot, useDirectory } from '../components/common';
import { Sparkline, type Point } from '../components/Sparkline';
import { transportLabel } from '../components/Header';

export const PING_EVERY_MS = 3000;

function usePing() {
  const [samples, setSamples] = useState<Point[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const { rttMs } = await consoleApi.ping({});
        if (stopped) return;
        setError(null);
        setSamples((s) => [...s, { ts: Date.now(), v: rttMs }].slice(-60));
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped) timer = setTimeout(() => void tick(), PING_EVERY_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return { samples, error };
}

function ConnectionCard() {
  const c = useConsole((s) => s.connection);
  const user = useConsole((s) => s.user);
  const hostLost = useConsole((s) => s.hostLostAt !== null);
  const { samples, error } = usePing();
  const last = samples.at(-1)?.v ?? null;
  const avg = samples.length ? samples.reduce((n, p) => n + (p.v ?? 0), 0) / samples.length : null;
  return (
    <section className="panel" aria-labelledby="diag-conn">
      <h2 id="diag-conn">Connection</h2>
      <dl className="kv">
        <dt>Status</dt>
        <dd data-testid="diag-status" data-status={c.status}>
          <span className={`conn-dot status-${c.status}`} aria-hidden="true" /> {c.status}
        </dd>
        <dt>Transport</dt>
        <dd data-testid="diag-transport" data-transport={c.transport ?? ''}>
          {c.transport ? transportLabel(c.transport) : '—'}
          {hostLost && <span className="form-error inline"> console host unreachable</span>}
        </dd>
        <dt>Server</dt>
        <dd className="mono">{c.serverUrl ?? '—'}</dd>
        <dt>Signed in as</dt>
        <dd>{user ? `${user.name} <${user.email}> (${user.role})` : '—'}</dd>
        <dt>Last synced</dt>
        <dd>{c.lastSyncedAt ? full(c.lastSyncedAt) : '—'}</dd>
        <dt>Waiting to send</dt>
        <dd data-testid="diag-pending">{c.pendingActions}</dd>
        <dt>Round trip</dt>
        <dd data-testid="diag-rtt" data-rtt={last ?? undefined}>
          {last === null ? '—' : `${last.toFixed(0)} ms`}
          {avg !== null && (
            <span className="muted">
              {' '}
              · avg {avg.toFixed(0)} ms over {samples.length}
            </span>
          )}
          {error && <span className="form-error inline"> ping failed: {error}</span>}
        </dd>
        <dt>Last error</dt>
        <dd>{c.lastError ?? '—'}</dd>
      </dl>
      <Sparkline label="Round trip (ms)" points={samples} format={(v) => `${v.toFixed(0)} ms`} />
    </section>
  );
}

function UsersOnline() {
  const presence = useConsole((s) => s.presence);
  const onlineCount = useConsole((s) => s.connection.onlineCount);
  const names = useDirectory();
  const users = Object.entries(presence)
    .filter(([, status]) => status !== 'offline')
    .sort(([a], [b]) => (names.get(a) ?? a).localeCompare(names.get(b) ?? b));
  return (
    <section className="panel" aria-labelledby="diag-users">
      <h2 id="diag-users">
        Users online <span className="muted">{onlineCount}</span>
      </h2>
      {users.length === 0 ? (
        <p className="muted">Nobody else we know of.</p>
      ) : (
        <ul className="people-list" data-testid="diag-users">
          {users.map(([id, status]) => (
            <li key={id}>
              <PresenceDot userId={id} name={names.get(id)} /> {names.get(id) ?? id}
              <span className="muted small"> {status}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TestTools() {
  const conversations = useConsole((s) => s.conversations);
  const list = useMemo(
    () => [...conversations.values()].sort((a, b) => a.title.localeCompare(b.title)),
    [conversations],
  );
  const [conversationId, setConversationId] = useState('');
  const [body, setBody] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [typing, setTyping] = useState(false);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const target = conversationId || list[0]?.id || '';

  useEffect(
    () => () => {
      if (typingTimer.current) clearTimeout(typingTimer.current);
    },
    [],
  );

  const sendTest = async () => {
    if (!target) return;
    const text = body.trim() || `Test message from diagnostics at ${hhmmss(Date.now())}`;
    try {
      const m = await consoleApi.sendMessage({ conversationId: target, body: text });
      addLocalMessage(m);
      setResult(`Queued (${m.pending ? 'pending' : `#${m.seq}`}), client id ${m.clientId}`);
      setBody('');
    } catch (e) {
      setResult(`Failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const typingTest = async () => {
    if (!target) return;
    try {
      await consoleApi.setTyping({ conversationId: target, isTyping: true });
      setTyping(true);
      setResult('Typing sent; stopping in 3 s');
      if (typingTimer.current) clearTimeout(typingTimer.current);
      typingTimer.current = setTimeout(() => {
        setTyping(false);
        consoleApi
          .setTyping({ conversationId: target, isTyping: false })
          .then(() => setResult('Typing stopped'))
          .catch((e: unknown) =>
            setResult(`Failed: ${e instanceof Error ? e.message : String(e)}`),
          );
      }, 3000);
    } catch (e) {
      setResult(`Failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <section className="panel" aria-labelledby="diag-tests">
      <h2 id="diag-tests">Test tools</h2>
      <label className="select-field block">
        <span>Conversation</span>
        <select
          data-testid="diag-conversation"
          value={target}
          onChange={(e) => setConversationId(e.target.value)}
        >
          {list.length === 0 && <option value="">No conversations</option>}
          {list.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Message</span>
        <input
          data-testid="diag-message"
          value={body}
          placeholder="Test message from diagnostics"
          onChange={(e) => setBody(e.target.value)}
        />
      </label>
      <div className="button-row">
        <button
          type="button"
          className="button"
          data-testid="diag-send-test"
          disabled={!target}
          onClick={() => void sendTest()}
        >
          Send test message
        </button>
        <button
          type="button"
          className="button"
          data-testid="diag-typing-test"
          disabled={!target || typing}
          onClick={() => void typingTest()}
        >
          {typing ? 'Typing…' : 'Typing test'}
        </button>
      </div>
      {result && (
        <p className="muted small" data-testid="diag-result" role="status">
          {result}
        </p>
      )}
    </section>
  );
}

function EventLog() {
  const [paused, setPaused] = useState(false);
  const live = useSelector(eventLog, (l) => l);
  const frozen = useRef(live);
  if (!paused) frozen.current = live;
  const entries = frozen.current;
  return (
    <section className="panel span-3" aria-labelledby="diag-log">
      <h2 id="diag-log">
        Event log <span className="muted small">last {entries.length} of 200</span>
      </h2>
      <div className="button-row">
        <button
          type="button"
          className="button small ghost"
          aria-pressed={paused}
          onClick={() => setPaused((p) => !p)}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="button small ghost" onClick={clearEventLog}>
          Clear
        </button>
      </div>
      <div
        className="event-log"
        data-testid="diag-event-log"
        tabIndex={0}
        aria-label="Console events, newest first"
      >
        <table>
          <tbody>
            {[...entries].reverse().map((e) => (
              <tr key={e.n} data-testid="diag-event" data-type={e.type}>
                <td className="mono muted">{hhmmss(e.at)}</td>
                <td>
                  <span className={`event-type type-${e.type}`}>{e.type}</span>
                </td>
                <td className="event-summary">{e.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.length === 0 && <p className="muted">No events yet.</p>}
      </div>
    </section>
  );
}

export function DiagnosticsView() {
  return (
    <section className="diagnostics-view" aria-labelledby="diagnostics-title">
      <div className="page-header">
        <h1 id="diagnostics-title">Diagnostics</h1>
      </div>
      <div className="detail-grid">
        <ConnectionCard />
        <UsersOnline />
        <TestTools />
        <EventLog />
      </div>
    </section>
  );
}
