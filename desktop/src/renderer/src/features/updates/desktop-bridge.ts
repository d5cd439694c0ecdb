/**
 * The desktop shell's bridge (`window.marqueeDesktop`, exposed by the Electron preload). The
 * browser host has none: there the Updates panel is not shown.
 */
import type { DesktopApi } from '../../../../shared/desktop-contract';

export function desktopBridge(): DesktopApi | null {
  return (globalThis as { marqueeDesktop?: DesktopApi }).marqueeDesktop ?? null;
}
