/** The fleet wall's "Add screen", "Import" and "Screenshot schedules" entries, for admins only. */
import { useState } from 'react';
import { href } from '../../state/router';
import { useConsole } from '../../state/store';
import { can } from '../../state/permissions';
import { ImportScreensDialog } from './ImportScreensDialog';
import { RegisterScreenDialog } from './RegisterScreenDialog';

export function FleetAdminActions() {
  const user = useConsole((s) => s.user);
  const [open, setOpen] = useState<'register' | 'import' | null>(null);
  if (!can(user, 'manageScreens')) return null;
  return (
    <div className="admin-actions">
      <button
        type="button"
        className="button primary"
        data-testid="add-screen"
        onClick={() => setOpen('register')}
      >
        Add screen
      </button>
      <button
        type="button"
        className="button"
        data-testid="import-screens"
        onClick={() => setOpen('import')}
      >
        Import CSV
      </button>
      <a className="button" data-testid="open-shot-schedules" href={href.screenshotSchedules()}>
        Screenshot schedules
      </a>
      {open === 'register' && <RegisterScreenDialog onClose={() => setOpen(null)} />}
      {open === 'import' && <ImportScreensDialog onClose={() => setOpen(null)} />}
    </div>
  );
}
