/**
 * A short tone when a toast for a critical alarm appears (issue 14: sound for critical
 * alarms). The notification names its alarm; the alarm's severity comes from the store (staff
 * have every alarm), or from the title's "Critical:" when the alarm has not arrived yet.
 * Web Audio, no sound file: nothing to load, nothing for the CSP to allow.
 */
import { useEffect, useRef } from 'react';
import { consoleStore, useConsole } from '../../state/store';

let audio: AudioContext | null = null;

function beep(): void {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.17);
    }
  } catch {
    // No audio device (or the page may not play yet): the toast is still shown.
  }
}

/** Counts the tones played, for tests (window.__marqueeAlarmTones). */
declare global {
  interface Window {
    __marqueeAlarmTones?: number;
  }
}

export function AlarmSound() {
  const toasts = useConsole((s) => s.toasts);
  const heard = useRef(new Set<number>());
  useEffect(() => {
    for (const t of toasts) {
      if (heard.current.has(t.key)) continue;
      heard.current.add(t.key);
      const n = t.notification;
      if (n.kind !== 'alarm' || n.readAt !== null) continue;
      const alarm = n.ref?.type === 'alarm' ? consoleStore.get().alarms.get(n.ref.id) : undefined;
      const critical = alarm
        ? alarm.severity === 'critical'
        : /^(Escalated — )?Critical:/.test(n.title);
      // "Back online" is good news: no tone.
      if (!critical || alarm?.status === 'cleared') continue;
      window.__marqueeAlarmTones = (window.__marqueeAlarmTones ?? 0) + 1;
      beep();
    }
  }, [toasts]);
  return null;
}
