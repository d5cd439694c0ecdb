/** The Alarm rules form: what a person types becomes the settings the server takes, or a sentence. */
import { describe, expect, it } from 'vitest';
import {
  EMPTY_RULE,
  describeSettings,
  formToSettings,
  ruleToForm,
} from '../src/renderer/src/features/alarm-rules/rule-form';

describe('alarm rule form', () => {
  it('turns seconds, °C, codes and severities into settings and back', () => {
    const out = formToSettings({
      ...EMPTY_RULE,
      target: ' lobby ',
      graceS: '2.5',
      heartbeatS: '90',
      temperatureMaxC: '60',
      ignoreFaultCodes: 'FAN, DOOR FAN',
      severity: { lost: 'warning', offline: '' },
    });
    expect(out).toEqual({
      target: 'lobby',
      settings: {
        graceMs: 2500,
        heartbeatTimeoutMs: 90_000,
        temperatureMaxC: 60,
        ignoreFaultCodes: ['FAN', 'DOOR'],
        severity: { lost: 'warning' },
      },
    });
    if (!('settings' in out)) throw new Error('expected settings');
    const back = ruleToForm({
      scope: 'tag',
      target: 'lobby',
      settings: out.settings,
      updatedAt: 0,
      updatedByName: 'A',
    });
    expect(back).toMatchObject({
      graceS: '2.5',
      heartbeatS: '90',
      temperatureMaxC: '60',
      ignoreFaultCodes: 'FAN, DOOR',
    });
    expect(describeSettings(out.settings)).toBe(
      'grace 2.5 s · heartbeat 90 s · max 60 °C · ignores FAN, DOOR · connection lost warning',
    );
  });

  it('says what to fix in a sentence', () => {
    const problem = (patch: Partial<typeof EMPTY_RULE>) => {
      const r = formToSettings({ ...EMPTY_RULE, target: 'x', ...patch });
      return 'problem' in r ? r.problem : null;
    };
    expect(problem({ target: '' })).toBe('Name the tag this rule is for.');
    expect(problem({})).toBe('Set at least one value (or delete the rule instead).');
    expect(problem({ graceS: '-1' })).toBe(
      'The grace before an alarm is 0 to 86400 seconds (24 hours).',
    );
    expect(problem({ graceS: 'soon' })).toBe(
      'The grace before an alarm is 0 to 86400 seconds (24 hours).',
    );
    expect(problem({ heartbeatS: '0.5' })).toBe(
      'The heartbeat timeout is 1 to 86400 seconds (24 hours).',
    );
    expect(problem({ temperatureMaxC: '200' })).toBe(
      'The temperature limit is between -40 and 150 °C.',
    );
    expect(problem({ ignoreFaultCodes: 'X'.repeat(65) })).toBe(
      'A fault code has at most 64 characters.',
    );
  });
});
