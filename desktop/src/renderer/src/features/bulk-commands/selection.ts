/**
 * The fleet wall's selection for commands at scale: whether the wall is in selection mode,
 * which screens are picked (by hand, by the shown filter, by tag), and the bulk commands sent
 * from it in this run (newest first), so the results panel follows each one per screen.
 * Decision: the selection lives only in this window's memory (not in the cache): it is a
 * moment's intent, and a stale selection restored after a restart would be a trap.
 */
import type { CommandType } from '../../../../../../protocol';
import { createStore, useSelector } from '../../state/create-store';

export interface BulkRun {
  /** The console's request id (the server's commands for it carry it as `requestId`). */
  requestId: string;
  type: CommandType;
  params: Record<string, unknown>;
  screenIds: string[];
  sentAt: number;
}

export interface SelectionState {
  active: boolean;
  ids: ReadonlySet<string>;
  runs: BulkRun[];
}

const MAX_RUNS = 10;

export const selectionStore = createStore<SelectionState>({
  active: false,
  ids: new Set(),
  runs: [],
});

export const useSelection = <S>(pick: (s: SelectionState) => S): S =>
  useSelector(selectionStore, pick);

export function setSelecting(active: boolean): void {
  selectionStore.set((s) => ({ ...s, active, ids: active ? s.ids : new Set() }));
}

export function toggleSelected(id: string): void {
  selectionStore.set((s) => {
    const ids = new Set(s.ids);
    if (!ids.delete(id)) ids.add(id);
    return { ...s, ids };
  });
}

export function addSelected(ids: readonly string[]): void {
  selectionStore.set((s) => ({ ...s, ids: new Set([...s.ids, ...ids]) }));
}

export function clearSelected(): void {
  selectionStore.set((s) => ({ ...s, ids: new Set() }));
}

export function recordRun(run: BulkRun): void {
  selectionStore.set((s) => ({ ...s, runs: [run, ...s.runs].slice(0, MAX_RUNS) }));
}
