/**
 * A screen's administration in its detail (admins): edit the registry fields, retire or
 * restore, rotate the credentials. New credentials (rotate, restore) are shown once.
 */
import { useState } from 'react';
import type { ProvisionedScreenResponse, Screen } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { can } from '../../state/permissions';
import { messageOf } from './Dialog';
import { ProvisioningDialog } from './ProvisioningDialog';
import { bodyOf, fieldsOf, ScreenFieldInputs } from './screen-form';

export function ScreenAdminPanel({ screen }: { screen: Screen }) {
  const user = useConsole((s) => s.user);
  if (!can(user, 'manageScreens')) return null;
  return <AdminPanel key={screen.id} screen={screen} />;
}

function AdminPanel({ screen }: { screen: Screen }) {
  const [fields, setFields] = useState(() => fieldsOf(screen));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [confirm, setConfirm] = useState<'retire' | 'rotate' | null>(null);
  const [issued, setIssued] = useState<{
    answer: ProvisionedScreenResponse;
    reason: 'rotated' | 'restored';
  } | null>(null);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await fn();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  };
  const save = () =>
    run(async () => {
      const { screen: next } = await consoleApi.editScreen({
        screenId: screen.id,
        changes: bodyOf(fields, 'null'),
      });
      setFields(fieldsOf(next));
      setSaved(true);
    });
  const rotate = () =>
    run(async () => {
      const answer = await consoleApi.rotateScreenCredentials({ screenId: screen.id });
      setIssued({ answer, reason: 'rotated' });
    });
  const retire = () =>
    run(async () => void (await consoleApi.retireScreen({ screenId: screen.id })));
  const restore = () =>
    run(async () => {
      const answer = await consoleApi.restoreScreen({ screenId: screen.id });
      setIssued({ answer, reason: 'restored' });
    });

  return (
    <section
      className="panel span-3"
      aria-labelledby="screen-admin-title"
      data-testid="screen-admin"
    >
      <h2 id="screen-admin-title">Administration</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <ScreenFieldInputs fields={fields} onChange={setFields} withId={false} />
        {error && (
          <p className="form-error" role="alert" data-testid="screen-admin-error">
            {error}
          </p>
        )}
        {saved && (
          <p className="form-hint" data-testid="screen-admin-saved">
            Saved.
          </p>
        )}
        <div className="button-row">
          <button
            type="submit"
            className="button primary"
            disabled={busy}
            data-testid="screen-admin-save"
          >
            Save changes
          </button>
          {screen.retired ? (
            <button
              type="button"
              className="button"
              disabled={busy}
              data-testid="screen-admin-restore"
              onClick={() => void restore()}
            >
              Restore (new credentials)
            </button>
          ) : (
            <>
              <button
                type="button"
                className="button"
                disabled={busy}
                data-testid="screen-admin-rotate"
                onClick={() => setConfirm('rotate')}
              >
                Rotate credentials
              </button>
              <button
                type="button"
                className="button danger"
                disabled={busy}
                data-testid="screen-admin-retire"
                onClick={() => setConfirm('retire')}
              >
                Retire
              </button>
            </>
          )}
        </div>
      </form>
      {confirm && (
        <div className="secret-once" role="alertdialog" data-testid="screen-admin-confirm">
          <p>
            {confirm === 'rotate'
              ? `Rotate the credentials of ${screen.name}? Its current password stops now and its agent is disconnected until it gets the new config.`
              : `Retire ${screen.name}? Its credentials are revoked and its agent disconnected; restoring it later issues new credentials.`}
          </p>
          <div className="button-row">
            <button
              type="button"
              className={`button ${confirm === 'retire' ? 'danger' : 'primary'}`}
              data-testid="screen-admin-confirm-yes"
              disabled={busy}
              onClick={() => void (confirm === 'rotate' ? rotate() : retire())}
            >
              {confirm === 'rotate' ? 'Rotate now' : 'Retire now'}
            </button>
            <button type="button" className="button ghost" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {issued && (
        <ProvisioningDialog
          provisioning={issued.answer.provisioning}
          screenName={screen.name}
          reason={issued.reason}
          onClose={() => setIssued(null)}
        />
      )}
    </section>
  );
}
