/**
 * The check mark on a fleet tile or row while the wall is in selection mode. A span with the
 * checkbox role, not an <input>: the tile is a link, and the click must pick the screen
 * instead of opening it.
 */
import type { KeyboardEvent, MouseEvent } from 'react';
import { toggleSelected, useSelection } from './selection';

export function SelectBox({ id, name }: { id: string; name: string }) {
  const active = useSelection((s) => s.active);
  const checked = useSelection((s) => s.ids.has(id));
  if (!active) return null;
  const toggle = (e: MouseEvent | KeyboardEvent) => {
    e.preventDefault();
    e.stopPropagation();
    toggleSelected(id);
  };
  return (
    <span
      role="checkbox"
      tabIndex={0}
      aria-checked={checked}
      aria-label={`Select ${name}`}
      className={`bulk-check${checked ? ' checked' : ''}`}
      data-testid="bulk-select"
      data-screen-id={id}
      onClick={toggle}
      onKeyDown={(e) => {
        if (e.key === ' ' || e.key === 'Enter') toggle(e);
      }}
    >
      {checked ? '✓' : ''}
    </span>
  );
}
