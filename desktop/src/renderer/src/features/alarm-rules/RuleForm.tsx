/** Create or edit the alarm rule of a tag or a screen (admins). */
import { useEffect, useState, type FormEvent } from 'react';
import type { FaultSeverity, RuleSeverityKind } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { SEVERITY_KINDS, formToSettings, type RuleFormValues } from './rule-form';
import { message } from './use-alarm-rules';

export function TargetField({
  scope,
  target,
  tags,
  screens,
  onChange,
  prefix,
}: {
  scope: 'tag' | 'screen';
  target: string;
  tags: string[];
  screens: { id: string; name: string }[];
  onChange(scope: 'tag' | 'screen', target: string): void;
  prefix: string;
}) {
  return (
    <div className="alarm-rules-fields">
      <label className="select-field block">
        <span>For</span>
        <select
          data-testid={`${prefix}-scope`}
          value={scope}
          onChange={(e) => onChange(e.target.value as 'tag' | 'screen', target)}
        >
          <option value="tag">Every screen with a tag</option>
          <option value="screen">One screen</option>
        </select>
      </label>
      <label className="field">
        <span>{scope === 'tag' ? 'Tag' : 'Screen id'}</span>
        <input
          data-testid={`${prefix}-target`}
          list={`${prefix}-targets`}
          value={target}
          spellCheck={false}
          onChange={(e) => onChange(scope, e.target.value)}
        />
        <datalist id={`${prefix}-targets`}>
          {scope === 'tag'
            ? tags.map((t) => <option key={t} value={t} />)
            : screens.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
        </datalist>
      </label>
    </div>
  );
}

export function RuleForm({
  initial,
  tags,
  screens,
  onSaved,
}: {
  initial: RuleFormValues;
  tags: string[];
  screens: { id: string; name: string }[];
  onSaved(): void;
}) {
  const [v, setV] = useState<RuleFormValues>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => setV(initial), [initial]);
  const set = (patch: Partial<RuleFormValues>) => setV((prev) => ({ ...prev, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    const out = formToSettings(v);
    if ('problem' in out) return setError(out.problem);
    setBusy(true);
    setError(null);
    try {
      await consoleApi.putAlarmRule({ scope: v.scope, target: out.target, settings: out.settings });
      setSaved(`Saved the rule for ${v.scope === 'tag' ? `tag ${out.target}` : out.target}.`);
      onSaved();
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  const field = (key: 'graceS' | 'heartbeatS' | 'temperatureMaxC', label: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        data-testid={`rule-${key}`}
        inputMode="decimal"
        value={v[key]}
        placeholder="default"
        onChange={(e) => set({ [key]: e.target.value })}
      />
    </label>
  );

  return (
    <form
      className="panel"
      noValidate
      onSubmit={(e) => void submit(e)}
      data-testid="rule-form"
      aria-labelledby="rule-form-title"
    >
      <h2 id="rule-form-title">Alarm rule</h2>
      <TargetField
        prefix="rule"
        scope={v.scope}
        target={v.target}
        tags={tags}
        screens={screens}
        onChange={(scope, target) => set({ scope, target })}
      />
      <p className="muted">
        Empty fields are not set by this rule (another rule or the default applies).
      </p>
      <div className="alarm-rules-fields">
        {field('graceS', 'Grace before lost/offline (s)')}
        {field('heartbeatS', 'Heartbeat timeout (s)')}
        {field('temperatureMaxC', 'Temperature limit (°C)')}
      </div>
      <label className="field">
        <span>Fault codes to ignore (comma-separated)</span>
        <input
          data-testid="rule-ignore"
          value={v.ignoreFaultCodes}
          spellCheck={false}
          onChange={(e) => set({ ignoreFaultCodes: e.target.value })}
        />
      </label>
      <div className="alarm-rules-fields">
        {SEVERITY_KINDS.map(({ kind, label }) => (
          <label key={kind} className="select-field block">
            <span>{label}</span>
            <select
              data-testid={`rule-severity-${kind}`}
              value={v.severity[kind] ?? ''}
              onChange={(e) =>
                set({
                  severity: {
                    ...v.severity,
                    [kind as RuleSeverityKind]: e.target.value as FaultSeverity | '',
                  },
                })
              }
            >
              <option value="">default</option>
              <option value="critical">critical</option>
              <option value="warning">warning</option>
              <option value="info">info</option>
            </select>
          </label>
        ))}
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="rule-error">
          {error}
        </p>
      )}
      {saved && (
        <p className="muted" role="status" data-testid="rule-saved">
          {saved}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button primary" data-testid="rule-save" disabled={busy}>
          {busy ? 'Saving…' : 'Save rule'}
        </button>
      </div>
    </form>
  );
}
