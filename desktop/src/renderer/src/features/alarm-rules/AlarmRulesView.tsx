/**
 * Alarm rules (issue 14): per tag or screen, the grace before a lost/offline alarm, the
 * heartbeat timeout, the temperature limit, fault codes to ignore and each kind's severity;
 * and maintenance windows. Admins change them; operators read them. Read on the server, so the
 * view needs the console to be live and says so otherwise.
 */
import { useMemo, useState } from 'react';
import type { AlarmRule } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Empty } from '../../components/common';
import { full } from '../../format';
import { can } from '../../state/permissions';
import { useConsole } from '../../state/store';
import { MaintenanceForm } from './MaintenanceForm';
import { RuleForm } from './RuleForm';
import { EMPTY_RULE, describeSettings, ruleToForm, type RuleFormValues } from './rule-form';
import { message, useAlarmRules } from './use-alarm-rules';
import './alarm-rules.css';

const targetLabel = (scope: string, target: string) =>
  scope === 'tag' ? `tag ${target}` : `screen ${target}`;

function Defaults({ d, minScreens }: { d: AlarmRule['settings']; minScreens: number }) {
  return (
    <p className="muted alarm-rules-defaults" data-testid="alarm-rules-defaults">
      Defaults where no rule sets a value: {describeSettings(d)}. A screen's own rule beats its
      tags' rules; between tags the strictest value applies.{' '}
      {minScreens > 0
        ? `${minScreens} or more screens of one site down together make one site alarm.`
        : 'Site grouping is off.'}
    </p>
  );
}

export function AlarmRulesView() {
  const live = useConsole((s) => s.connection.status === 'live');
  const user = useConsole((s) => s.user);
  const screensMap = useConsole((s) => s.screens);
  const admin = can(user, 'manageAlarmRules');
  const state = useAlarmRules(live);
  const [editing, setEditing] = useState<RuleFormValues>(EMPTY_RULE);
  const [actionError, setActionError] = useState<string | null>(null);

  const { tags, screens } = useMemo(() => {
    const tags = new Set<string>();
    const screens: { id: string; name: string }[] = [];
    for (const s of screensMap.values()) {
      for (const t of s.tags) tags.add(t);
      screens.push({ id: s.id, name: s.name });
    }
    return { tags: [...tags].sort(), screens };
  }, [screensMap]);

  const run = (p: Promise<unknown>) => {
    setActionError(null);
    p.then(state.reload, (e: unknown) => setActionError(message(e)));
  };

  if (!live)
    return (
      <section className="alarm-rules-view" data-testid="alarm-rules-view">
        <h1>Alarm rules</h1>
        <Empty>
          <span data-testid="alarm-rules-offline">
            Alarm rules are kept on the server: they open once the console is live.
          </span>
        </Empty>
      </section>
    );

  const rules = state.data?.rules ?? [];
  return (
    <section
      className="alarm-rules-view"
      aria-labelledby="alarm-rules-title"
      data-testid="alarm-rules-view"
    >
      <div className="page-header">
        <h1 id="alarm-rules-title">Alarm rules</h1>
      </div>
      {!admin && (
        <p className="muted" data-testid="alarm-rules-readonly">
          Read only: admins change alarm rules and maintenance.
        </p>
      )}
      {state.data && (
        <Defaults
          d={{ ...state.data.defaults, ignoreFaultCodes: undefined, severity: undefined }}
          minScreens={state.data.storm.minScreens}
        />
      )}
      {(state.error ?? actionError) && (
        <p className="form-error" role="alert" data-testid="alarm-rules-error">
          {state.error ?? actionError}
        </p>
      )}
      <div className="alarm-rules-layout">
        <div>
          <section className="panel" aria-labelledby="rules-title">
            <h2 id="rules-title">Rules</h2>
            {rules.length === 0 && !state.loading ? (
              <p className="muted">No rules: every screen uses the defaults.</p>
            ) : (
              <table className="alarm-rules-table" data-testid="alarm-rules-list">
                <thead>
                  <tr>
                    <th>Applies to</th>
                    <th>Sets</th>
                    <th>Changed</th>
                    {admin && <th aria-label="Actions" />}
                  </tr>
                </thead>
                <tbody>
                  {rules.map((r) => (
                    <tr
                      key={`${r.scope}:${r.target}`}
                      data-testid="alarm-rule-row"
                      data-target={`${r.scope}:${r.target}`}
                    >
                      <td>{targetLabel(r.scope, r.target)}</td>
                      <td data-testid="alarm-rule-sets">{describeSettings(r.settings)}</td>
                      <td className="muted">
                        {r.updatedByName}, {full(r.updatedAt)}
                      </td>
                      {admin && (
                        <td>
                          <button
                            type="button"
                            className="button ghost"
                            data-testid="alarm-rule-edit"
                            onClick={() => setEditing(ruleToForm(r))}
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            className="button ghost"
                            data-testid="alarm-rule-delete"
                            onClick={() =>
                              run(consoleApi.deleteAlarmRule({ scope: r.scope, target: r.target }))
                            }
                          >
                            Delete
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="panel" aria-labelledby="maint-title">
            <h2 id="maint-title">In maintenance</h2>
            {state.windows.length === 0 ? (
              <p className="muted">Nothing is in maintenance.</p>
            ) : (
              <table className="alarm-rules-table" data-testid="maintenance-list">
                <thead>
                  <tr>
                    <th>Applies to</th>
                    <th>Until</th>
                    <th>Reason</th>
                    <th>Set by</th>
                    {admin && <th aria-label="Actions" />}
                  </tr>
                </thead>
                <tbody>
                  {state.windows.map((w) => (
                    <tr
                      key={`${w.scope}:${w.target}`}
                      data-testid="maintenance-row"
                      data-target={`${w.scope}:${w.target}`}
                    >
                      <td>{targetLabel(w.scope, w.target)}</td>
                      <td>
                        {full(w.endsAt)}
                        {w.startsAt > Date.now() && (
                          <span className="muted"> (starts {full(w.startsAt)})</span>
                        )}
                      </td>
                      <td>{w.reason}</td>
                      <td className="muted">{w.setByName}</td>
                      {admin && (
                        <td>
                          <button
                            type="button"
                            className="button ghost"
                            data-testid="maintenance-end"
                            onClick={() =>
                              run(consoleApi.endMaintenance({ scope: w.scope, target: w.target }))
                            }
                          >
                            End now
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
        {admin && (
          <div>
            <RuleForm initial={editing} tags={tags} screens={screens} onSaved={state.reload} />
            <MaintenanceForm tags={tags} screens={screens} onSaved={state.reload} />
          </div>
        )}
      </div>
    </section>
  );
}
