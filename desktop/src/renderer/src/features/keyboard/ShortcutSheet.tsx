/** `?`: every keyboard shortcut on one sheet. */
import { useEffect, useRef } from 'react';

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

export const SHORTCUTS: [string, string][] = [
  ['/', 'Search this view'],
  [isMac ? '⌘ K' : 'Ctrl K', 'Command palette: jump to a screen, view or action'],
  ['?', 'This sheet'],
  ['j / k', 'Next / previous item in a list (fleet, alarms)'],
  ['Enter', 'Open the selected item'],
  ['Esc', 'Close a dialog, leave a field, or go back'],
  ['Arrows, Page Up/Down', 'Move across the fleet wall'],
];

export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="kb-overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="kb-dialog sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby="kb-sheet-title"
        data-testid="shortcut-sheet"
      >
        <div className="sheet-head">
          <h2 id="kb-sheet-title">Keyboard shortcuts</h2>
          <button type="button" className="button ghost small" ref={ref} onClick={onClose}>
            Close
          </button>
        </div>
        <dl className="sheet-list">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                {keys.split(' / ').map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' / '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
