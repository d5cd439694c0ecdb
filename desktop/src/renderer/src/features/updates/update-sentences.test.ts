/** The Updates panel's sentences, one per status the main process reports. */
import { describe, expect, it } from 'vitest';
import { canCheckNow, updateSentence } from './update-sentences';

describe('update sentences', () => {
  it('says what the check found', () => {
    expect(updateSentence({ state: 'off', reason: 'Updates off: no feed.' }, '0.1.0')).toBe(
      'Updates off: no feed.',
    );
    expect(updateSentence({ state: 'checking' }, '0.1.0')).toBe('Checking for updates…');
    expect(updateSentence({ state: 'upToDate', version: '0.1.0' }, '0.1.0')).toBe(
      'Up to date (0.1.0).',
    );
    expect(updateSentence({ state: 'downloading', version: '0.2.0', percent: 40 }, '0.1.0')).toBe(
      'Version 0.2.0 available — downloading (40%).',
    );
    expect(updateSentence({ state: 'ready', version: '0.2.0' }, '0.1.0')).toBe(
      'Version 0.2.0 available — restart to install.',
    );
    expect(updateSentence({ state: 'error', message: 'Could not reach it.' }, '0.1.0')).toBe(
      'Could not reach it.',
    );
  });

  it('offers a manual check only when nothing is under way', () => {
    expect(canCheckNow({ state: 'upToDate', version: '0.1.0' })).toBe(true);
    expect(canCheckNow({ state: 'error', message: 'x' })).toBe(true);
    expect(canCheckNow({ state: 'checking' })).toBe(false);
    expect(canCheckNow({ state: 'ready', version: '0.2.0' })).toBe(false);
    expect(canCheckNow({ state: 'off', reason: 'off' })).toBe(false);
  });
});
