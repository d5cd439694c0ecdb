/**
 * The screen detail's screenshots: the latest (or a picked older one) with when it was
 * captured, "Take screenshot" for those who send commands (the screenshot command, through
 * the same outbox and command flow as every command), and the older ones to pick from.
 */
import { useState } from 'react';
import type { Screen } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { when } from '../../format';
import { can } from '../../state/permissions';
import { href } from '../../state/router';
import { useConsole } from '../../state/store';
import { useScreenshots } from './use-screenshots';
import './screenshots.css';

const triggerLabel: Record<string, string> = {
  command: 'taken on request',
  schedule: 'scheduled',
  fault: 'evidence of a fault',
  agent: 'taken by the screen',
};

export function ScreenshotsPanel({ screen }: { screen: Screen }) {
  // Advertisers see the screenshots of their screens; taking one is a command (operators').
  const user = useConsole((s) => s.user);
  const canTake = can(user, 'sendCommands');
  const { list, image, shownId, pick, error } = useScreenshots(screen.id);
  const [busy, setBusy] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const capable = !screen.retired && screen.capabilities.includes('screenshot');
  const shown = list?.find((s) => s.id === shownId) ?? null;

  const take = async () => {
    setBusy(true);
    setSendError(null);
    try {
      await consoleApi.sendCommand({ screenIds: [screen.id], type: 'screenshot', params: {} });
    } catch (e) {
      setSendError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      className="panel span-2 screenshots-panel"
      aria-labelledby="screenshots-title"
      data-testid="screenshots-panel"
    >
      <div className="screenshots-head">
        <h2 id="screenshots-title">What it shows</h2>
        {can(user, 'manageScreens') && (
          <a
            className="link-button"
            data-testid="shot-schedules-link"
            href={href.screenshotSchedules()}
          >
            Schedules by tag
          </a>
        )}
        {canTake && capable && (
          <button
            type="button"
            className="button"
            data-testid="take-screenshot"
            disabled={busy}
            onClick={() => void take()}
          >
            Take screenshot
          </button>
        )}
      </div>
      {(error ?? sendError) && (
        <p className="form-error" role="alert" data-testid="screenshots-error">
          {sendError ?? error}
        </p>
      )}
      {list === null ? (
        <p className="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted" data-testid="screenshots-empty">
          No screenshot yet.{canTake && capable ? ' Take one to see what the screen shows.' : ''}
        </p>
      ) : (
        <>
          {image && shown ? (
            <figure className="screenshot-latest">
              <img
                src={image.dataUrl}
                data-testid="screenshot-image"
                data-screenshot-id={image.id}
                alt={`Screenshot of ${screen.name} captured ${when(image.capturedAt)}`}
              />
              <figcaption data-testid="screenshot-captured-at" data-captured-at={image.capturedAt}>
                Captured {when(image.capturedAt)} · {shown.width}×{shown.height} ·{' '}
                {triggerLabel[shown.trigger] ?? shown.trigger}
              </figcaption>
            </figure>
          ) : (
            <p className="muted">Loading the image…</p>
          )}
          {list.length > 1 && (
            <ol className="screenshot-list" aria-label="Older screenshots">
              {list.map((s) => (
                <li key={s.id}>
                  <button
                    type="button"
                    className={`link-button${s.id === shownId ? ' current' : ''}`}
                    data-testid="screenshot-item"
                    aria-current={s.id === shownId ? 'true' : undefined}
                    onClick={() => pick(s.id)}
                  >
                    {when(s.capturedAt)}
                  </button>{' '}
                  <span className="muted">{triggerLabel[s.trigger] ?? s.trigger}</span>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
