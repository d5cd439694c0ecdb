/** Ctrl/Cmd+K: jump to any screen, view or action by typing part of its name, id or tag. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSelector } from '../../state/create-store';
import { useConsole } from '../../state/store';
import { savedViews } from '../fleet-wall/saved-views';
import { matchItems, paletteItems } from './palette-items';

export function CommandPalette({
  onClose,
  openSheet,
}: {
  onClose: () => void;
  openSheet: () => void;
}) {
  const user = useConsole((s) => s.user);
  const screens = useConsole((s) => s.screens);
  const views = useSelector(savedViews, (v) => v.views);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const items = useMemo(
    () => paletteItems(user, screens, views, openSheet),
    [user, screens, views, openSheet],
  );
  const matches = useMemo(() => matchItems(items, query), [items, query]);
  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => setActive(0), [query]);

  const run = (i: number) => {
    const item = matches[i];
    if (!item) return;
    onClose();
    item.run();
  };

  return (
    <div className="kb-overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="kb-dialog palette"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
        data-testid="command-palette"
      >
        <input
          ref={inputRef}
          className="palette-input"
          data-testid="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={matches[active] ? `palette-${active}` : undefined}
          placeholder="Jump to a screen, view or action…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || (e.ctrlKey && e.key === 'n')) {
              e.preventDefault();
              setActive((a) => Math.min(matches.length - 1, a + 1));
            } else if (e.key === 'ArrowUp' || (e.ctrlKey && e.key === 'p')) {
              e.preventDefault();
              setActive((a) => Math.max(0, a - 1));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              run(active);
            }
          }}
        />
        <ul className="palette-list" id="palette-list" role="listbox" aria-label="Matches">
          {matches.length === 0 && (
            <li className="muted palette-empty">Nothing matches “{query}”.</li>
          )}
          {matches.map((m, i) => (
            <li
              key={m.key}
              id={`palette-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              data-testid="palette-item"
              onMouseEnter={() => setActive(i)}
              onClick={() => run(i)}
            >
              <span className="palette-group">{m.group}</span>
              <span className="palette-label">{m.label}</span>
              <span className="palette-hint muted">{m.hint}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
