/** Register one screen; the answer's provisioning replaces the form (shown once). */
import { useState } from 'react';
import type { ProvisionedScreenResponse } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Dialog, messageOf } from './Dialog';
import { ProvisioningDialog } from './ProvisioningDialog';
import { bodyOf, emptyFields, ScreenFieldInputs } from './screen-form';

export function RegisterScreenDialog({ onClose }: { onClose: () => void }) {
  const [fields, setFields] = useState(emptyFields);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ProvisionedScreenResponse | null>(null);

  if (done)
    return (
      <ProvisioningDialog
        provisioning={done.provisioning}
        screenName={done.screen.name}
        reason="registered"
        onClose={onClose}
      />
    );

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      setDone(await consoleApi.registerScreen({ screen: bodyOf(fields, 'absent') }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Add a screen" testId="register-screen-dialog" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ScreenFieldInputs fields={fields} onChange={setFields} withId />
        {error && (
          <p className="form-error" role="alert" data-testid="register-screen-error">
            {error}
          </p>
        )}
        <div className="button-row">
          <button
            type="submit"
            className="button primary"
            disabled={busy}
            data-testid="register-screen-submit"
          >
            Register and get its config
          </button>
          <button type="button" className="button ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
