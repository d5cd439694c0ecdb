/**
 * A screen's provisioning, shown once: the password exists only in this answer (the server
 * keeps a hash), so closing the dialog loses it; rotating the credentials makes new ones.
 */
import { useState } from 'react';
import type { ScreenProvisioning } from '../../../../../../protocol';
import { Dialog, downloadFile } from './Dialog';

const HEADINGS = {
  registered: 'Screen registered',
  rotated: 'New credentials issued',
  restored: 'Screen restored with new credentials',
} as const;

export function ProvisioningDialog({
  provisioning,
  screenName,
  reason,
  onClose,
}: {
  provisioning: ScreenProvisioning;
  screenName: string;
  reason: keyof typeof HEADINGS;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const { credentials, configFileName, installCommand } = provisioning;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(installCommand);
      setCopied(true);
    } catch {
      // No clipboard permission (a browser host over http): the line is selected to copy by hand.
      (document.getElementById('install-line') as HTMLInputElement | null)?.select();
    }
  };
  return (
    <Dialog
      title={`${HEADINGS[reason]}: ${screenName}`}
      testId="provisioning-dialog"
      onClose={onClose}
    >
      <p className="secret-once" data-testid="provisioning-once">
        The password below is shown only now. Download the config file before closing this dialog:
        once closed, the password is gone, and the only way to get one is to rotate the
        screen&apos;s credentials (which stops the current ones).
        {reason === 'rotated' &&
          ' The old password has stopped working and the screen was disconnected.'}
      </p>
      <dl className="secret-grid">
        <dt>Screen id</dt>
        <dd data-testid="provisioning-username">{credentials.username}</dd>
        <dt>Password</dt>
        <dd data-testid="provisioning-password">{credentials.password}</dd>
      </dl>
      <div className="button-row">
        <button
          type="button"
          className="button primary"
          data-testid="provisioning-download"
          onClick={() =>
            downloadFile(
              configFileName,
              `${JSON.stringify(provisioning.agentConfig, null, 2)}\n`,
              'application/json',
            )
          }
        >
          Download {configFileName}
        </button>
      </div>
      <p className="form-hint">
        On the screen controller, put the downloaded file in the agent kit&apos;s folder (the bundle
        and its installer; device-agent README, &quot;Install on Linux&quot;) and run there — it
        installs the agent, or on a screen that has it, takes the new file and restarts:
      </p>
      <div className="install-line">
        <input
          id="install-line"
          readOnly
          data-testid="provisioning-install"
          value={installCommand}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="form-hint">
        To try it without installing: <code>node marquee-agent.mjs --config {configFileName}</code>{' '}
        (set <code>dataDir</code> to a folder you can write). The config starts the simulated
        player; switch <code>player</code> and <code>probes</code> to the real player later.
      </p>
      <div className="button-row">
        <button type="button" className="button" data-testid="provisioning-close" onClick={onClose}>
          I have saved it — close
        </button>
      </div>
    </Dialog>
  );
}
