/** Mounted once in App: the shortcuts, the palette and the sheet. */
import { useCallback, useMemo, useRef, useState } from 'react';
import { CommandPalette } from './CommandPalette';
import { ShortcutSheet } from './ShortcutSheet';
import { useShortcuts } from './use-shortcuts';
import './keyboard.css';

export function KeyboardLayer() {
  const [open, setOpen] = useState<'palette' | 'sheet' | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const show = useCallback((what: 'palette' | 'sheet') => {
    if (document.activeElement instanceof HTMLElement) returnFocus.current = document.activeElement;
    setOpen(what);
  }, []);
  const close = useCallback(() => {
    setOpen(null);
    // Back where the person was (a palette jump moves focus to the new view itself).
    requestAnimationFrame(() => {
      if (returnFocus.current?.isConnected && document.activeElement === document.body)
        returnFocus.current.focus();
    });
  }, []);
  const openSheet = useCallback(() => show('sheet'), [show]);
  const handlers = useMemo(
    () => ({
      overlayOpen: open !== null,
      openPalette: () => show('palette'),
      openSheet,
      closeOverlay: close,
    }),
    [open, show, openSheet, close],
  );
  useShortcuts(handlers);
  if (open === 'palette') return <CommandPalette onClose={close} openSheet={openSheet} />;
  if (open === 'sheet') return <ShortcutSheet onClose={close} />;
  return null;
}
