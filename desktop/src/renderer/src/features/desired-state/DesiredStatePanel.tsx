/**
 * A screen's desired state in its detail (operators and admins): what it should be (and where
 * each field comes from), what the agent reports, the drift between the two, and the form for
 * what this screen itself sets. Saving needs the server (live only, desired-state-handlers.ts).
 */
import { useState } from 'react';
import type { DesiredSpec, Screen, ScreenDesired } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { can } from '../../state/permissions';
import { driftSentence, sourceText } from './drift-text';
import { fieldsOfSpec, specOfFields, SpecInputs } from './spec-form';
import './desired-state.css';

export function DesiredStatePanel({ screen }: { screen: Screen }) {
  const user = useConsole((s) => s.user);
  if (!can(user, 'sendCommands')) return null;
  return <Panel key={screen.id} screen={screen} />;
}

/** What this screen itself sets, read back from the effective view's sources. */
function ownSpec(view: ScreenDesired | null | undefined): DesiredSpec {
  if (!view) return {};
  const own: DesiredSpec = {};
  if (view.sources.brightness === 'screen' && view.brightness !== null)
    own.brightness = view.brightness;
  if (view.sources.power === 'screen' && view.power !== null) own.power = view.power;
  if (view.sources.schedule === 'screen' && view.schedule) own.schedule = view.schedule;
  if (view.sources.timeZone === 'screen') own.timeZone = view.timeZone;
  return own;
}

function Effective({ view }: { view: ScreenDesired }) {
  const from = (f: keyof ScreenDesired['sources']) =>
    view.sources[f] ? <span className="muted"> (from {sourceText(view.sources[f])})</span> : null;
  return (
    <dl className="desired-effective" data-testid="desired-effective">
      <dt>Brightness</dt>
      <dd data-testid="desired-brightness">
        {view.brightness ?? <span className="muted">not managed</span>}
        {from('brightness')}
      </dd>
      <dt>Power</dt>
      <dd>
        {view.power ?? (view.schedule ? 'by schedule' : <span className="muted">not managed</span>)}
        {from('power')}
      </dd>
      <dt>Schedule</dt>
      <dd>
        {view.schedule
          ? view.schedule.windows.map((w) => `${w.days.join(', ')} ${w.on}–${w.off}`).join(' · ')
          : 'none'}
        {from('schedule')}
      </dd>
      <dt>Time zone</dt>
      <dd>
        {view.timeZone}
        {from('timeZone') ?? <span className="muted"> (the server’s)</span>}
      </dd>
    </dl>
  );
}

function Panel({ screen }: { screen: Screen }) {
  const view = screen.desired ?? null;
  const reported = screen.telemetry?.desired;
  const [fields, setFields] = useState(() => fieldsOfSpec(ownSpec(view)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const save = async (spec: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const answer = await consoleApi.setScreenDesired({ screenId: screen.id, spec });
      setFields(fieldsOfSpec(answer.own));
      setSaved(true);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel span-3" aria-labelledby="desired-title" data-testid="desired-state">
      <h2 id="desired-title">Desired state</h2>
      {view ? (
        <Effective view={view} />
      ) : (
        <p className="muted">Nothing is managed for this screen.</p>
      )}
      {view && (
        <div className="desired-reported" data-testid="desired-reported">
          {screen.telemetry ? (
            <p>
              Reports brightness {screen.telemetry.display.brightness}, display{' '}
              {screen.telemetry.display.power}
              {reported
                ? `; applies version ${reported.version ?? 'none'} of ${view.version}`
                : '; its agent does not report desired state (older agent)'}
              .
            </p>
          ) : (
            <p className="muted">No report from this screen yet.</p>
          )}
          {reported?.error && (
            <p className="form-error" data-testid="desired-apply-error">
              The agent could not apply it: {reported.error}
            </p>
          )}
          {view.drift.length > 0 ? (
            <ul className="desired-drift" data-testid="desired-drift" role="status">
              {view.drift.map((d) => (
                <li key={d.field} data-testid="desired-drift-item" data-field={d.field}>
                  {driftSentence(d)}
                </li>
              ))}
            </ul>
          ) : (
            screen.state === 'online' && (
              <p className="desired-ok" data-testid="desired-no-drift">
                No drift: the screen shows its desired state.
              </p>
            )
          )}
        </div>
      )}
      <form
        className="desired-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save(specOfFields(fields));
        }}
      >
        <h3>This screen sets</h3>
        <SpecInputs
          fields={fields}
          onChange={setFields}
          idPrefix="desired-screen"
          inheritedHint="from its tags"
        />
        {error && (
          <p className="form-error" role="alert" data-testid="desired-error">
            {error}
          </p>
        )}
        {saved && (
          <p className="form-hint" data-testid="desired-saved">
            Saved; the screen gets it now.
          </p>
        )}
        <div className="button-row">
          <button
            type="submit"
            className="button primary"
            disabled={busy}
            data-testid="desired-save"
          >
            Save desired state
          </button>
          <button
            type="button"
            className="button ghost"
            disabled={busy}
            data-testid="desired-clear"
            onClick={() => void save({})}
          >
            Clear (inherit from tags)
          </button>
        </div>
      </form>
    </section>
  );
}
