/**
 * The console's keyboard (issue 11), one window-level listener:
 * `/` search, `?` shortcut sheet, Ctrl/Cmd+K palette, Esc close/leave/back, j/k through the
 * view's list, Enter to open. Single keys are ignored while typing in a field (so "j" and "/"
 * can be typed); Ctrl/Cmd+K and Esc work everywhere.
 */
import { useEffect } from 'react';
import { href, navigate, parseRoute } from '../../state/router';

export interface ShortcutHandlers {
  overlayOpen: boolean;
  openPalette(): void;
  openSheet(): void;
  closeOverlay(): void;
}

/** A field that takes typed characters (a checkbox or button does not: j/k still move). */
const typing = (el: Element | null) =>
  el instanceof HTMLElement &&
  (el.isContentEditable ||
    /^(TEXTAREA|SELECT)$/.test(el.tagName) ||
    (el instanceof HTMLInputElement &&
      !/^(checkbox|radio|button|submit|reset|range|color)$/.test(el.type)));

/** The list items of the view on screen: wall tiles/rows, alarm rows, or anything marked. */
const NAV_ITEMS = 'main [data-nav-item], main [data-testid="screen-tile"]';

function moveInList(step: 1 | -1): void {
  const active = document.activeElement;
  const current = active?.closest<HTMLElement>(NAV_ITEMS.replace(/main /g, ''));
  // The fleet wall is virtualized: its own arrow keys scroll to tiles not yet rendered.
  if (current?.closest('.fleet-scroll') && current.dataset.index !== undefined) {
    current.dispatchEvent(
      new KeyboardEvent('keydown', { key: step > 0 ? 'ArrowRight' : 'ArrowLeft', bubbles: true }),
    );
    return;
  }
  const items = [...document.querySelectorAll<HTMLElement>(NAV_ITEMS)];
  if (items.length === 0) return;
  const at = current ? items.indexOf(current) : -1;
  const next =
    items[
      at < 0
        ? step > 0
          ? 0
          : items.length - 1
        : Math.max(0, Math.min(items.length - 1, at + step))
    ]!;
  if (!next.hasAttribute('tabindex') && !(next instanceof HTMLAnchorElement)) next.tabIndex = -1;
  next.focus();
  next.scrollIntoView({ block: 'nearest' });
}

function back(): void {
  const route = parseRoute(location.hash);
  if (route.view === 'screen') navigate(href.fleet());
  else if (route.view === 'messages' && route.conversationId) navigate(href.messages());
}

export function useShortcuts(h: ShortcutHandlers): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        if (h.overlayOpen) h.closeOverlay();
        else h.openPalette();
        return;
      }
      if (e.key === 'Escape') {
        if (h.overlayOpen) h.closeOverlay();
        else if (typing(document.activeElement)) (document.activeElement as HTMLElement).blur();
        else back();
        return;
      }
      if (h.overlayOpen || mod || e.altKey || typing(e.target as Element)) return;
      if (e.key === '/') {
        const search = document.querySelector<HTMLElement>('main [data-shortcut="search"]');
        if (!search) return;
        e.preventDefault();
        search.focus();
      } else if (e.key === '?') {
        e.preventDefault();
        h.openSheet();
      } else if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        moveInList(e.key === 'j' ? 1 : -1);
      } else if (e.key === 'Enter') {
        // Links open by themselves; a list item that is not one opens its marked link.
        const item = (e.target as Element).closest?.('[data-nav-item]');
        const open = item?.querySelector<HTMLElement>('[data-nav-open]');
        if (item === e.target && open) {
          e.preventDefault();
          open.click();
        }
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [h]);
}
