/**
 * Commands at scale, on the fleet wall: pick screens (by hand, everything the filters show, or
 * a tag's screens), send one command to all of them, and follow each screen's result below.
 * Disruptive commands (reboot, display power off or standby) ask first, naming how many
 * screens they hit.
 */
import { useState } from 'react';
import type { CommandType, DisplayPower } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { can } from '../../state/permissions';
import {
  addSelected,
  clearSelected,
  recordRun,
  selectionStore,
  setSelecting,
  useSelection,
} from './selection';
import { BulkResults } from './BulkResults';
import './bulk-commands.css';

const COMMANDS: { type: CommandType; label: string }[] = [
  { type: 'setBrightness', label: 'Set brightness' },
  { type: 'setPower', label: 'Set display power' },
  { type: 'refreshContent', label: 'Refresh content' },
  { type: 'reboot', label: 'Reboot' },
];

const screens = (n: number) => `${n.toLocaleString()} screen${n === 1 ? '' : 's'}`;

/** The question a disruptive command asks first; null when it just goes. */
export function confirmationOf(type: CommandType, power: DisplayPower, n: number): string | null {
  if (type === 'reboot') return `Reboot ${screens(n)}?`;
  if (type === 'setPower' && power !== 'on')
    return `Turn the display ${power === 'off' ? 'off' : 'to standby'} on ${screens(n)}?`;
  return null;
}

export function BulkBar({ shownIds, tags }: { shownIds: string[]; tags: string[] }) {
  const user = useConsole((s) => s.user);
  const allScreens = useConsole((s) => s.screens);
  const active = useSelection((s) => s.active);
  const count = useSelection((s) => s.ids.size);
  const [type, setType] = useState<CommandType>('setBrightness');
  const [brightness, setBrightness] = useState(80);
  const [power, setPower] = useState<DisplayPower>('on');
  /** The question asked, with the screens it names (a later change of selection is not them). */
  const [confirming, setConfirming] = useState<{ question: string; screenIds: string[] } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!can(user, 'sendCommands')) return null;

  const params = (): Record<string, unknown> =>
    type === 'setBrightness' ? { brightness } : type === 'setPower' ? { power } : {};

  const send = async (screenIds: string[]) => {
    setConfirming(null);
    setBusy(true);
    setError(null);
    try {
      const { commandIds } = await consoleApi.sendCommand({ screenIds, type, params: params() });
      recordRun({
        requestId: commandIds[0]!,
        type,
        params: params(),
        screenIds,
        sentAt: Date.now(),
      });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const ask = () => {
    setError(null);
    const screenIds = [...selectionStore.get().ids].sort();
    const question = screenIds.length ? confirmationOf(type, power, screenIds.length) : null;
    if (question) setConfirming({ question, screenIds });
    else void send(screenIds);
  };

  const selectTag = (tag: string) => {
    if (!tag) return;
    addSelected(
      [...allScreens.values()].filter((s) => !s.retired && s.tags.includes(tag)).map((s) => s.id),
    );
  };

  return (
    <div className="bulk" data-testid="bulk-bar">
      <div className="toolbar bulk-toolbar" role="group" aria-label="Commands to many screens">
        <button
          type="button"
          className="button"
          aria-pressed={active}
          data-testid="bulk-mode"
          onClick={() => setSelecting(!active)}
        >
          {active ? 'Done selecting' : 'Select screens'}
        </button>
        {active && (
          <>
            <span className="bulk-count" data-testid="bulk-count" aria-live="polite">
              {screens(count)} selected
            </span>
            <button
              type="button"
              className="button ghost small"
              data-testid="bulk-select-shown"
              onClick={() => addSelected(shownIds)}
            >
              Select the {screens(shownIds.length)} shown
            </button>
            <label className="select-field">
              <span>Add a tag</span>
              <select
                data-testid="bulk-select-tag"
                value=""
                onChange={(e) => selectTag(e.target.value)}
              >
                <option value="">Choose…</option>
                {tags.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="button ghost small"
              data-testid="bulk-clear"
              disabled={count === 0}
              onClick={clearSelected}
            >
              Clear
            </button>
            <span className="bulk-sep" aria-hidden="true" />
            <label className="select-field">
              <span>Command</span>
              <select
                data-testid="bulk-command-type"
                value={type}
                onChange={(e) => setType(e.target.value as CommandType)}
              >
                {COMMANDS.map((c) => (
                  <option key={c.type} value={c.type}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            {type === 'setBrightness' && (
              <label className="select-field">
                <span>Brightness %</span>
                <input
                  type="number"
                  min={0}
                  max={100}
                  className="bulk-number"
                  data-testid="bulk-brightness"
                  value={brightness}
                  onChange={(e) => setBrightness(Number(e.target.value))}
                />
              </label>
            )}
            {type === 'setPower' && (
              <label className="select-field">
                <span>Power</span>
                <select
                  data-testid="bulk-power"
                  value={power}
                  onChange={(e) => setPower(e.target.value as DisplayPower)}
                >
                  <option value="on">On</option>
                  <option value="standby">Standby</option>
                  <option value="off">Off</option>
                </select>
              </label>
            )}
            <button
              type="button"
              className="button primary"
              data-testid="bulk-send"
              disabled={busy}
              onClick={ask}
            >
              Send to {screens(count)}
            </button>
          </>
        )}
      </div>
      {confirming && (
        <div className="bulk-confirm panel" role="alertdialog" aria-labelledby="bulk-confirm-q">
          <p id="bulk-confirm-q" data-testid="bulk-confirm-question">
            {confirming.question}
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button danger"
              data-testid="bulk-confirm"
              onClick={() => void send(confirming.screenIds)}
            >
              {confirming.question.replace(/\?$/, '')}
            </button>
            <button
              type="button"
              className="button ghost"
              data-testid="bulk-cancel"
              onClick={() => setConfirming(null)}
            >
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="bulk-error">
          {error}
        </p>
      )}
      {active && <BulkResults />}
    </div>
  );
}
