/** The fleet wall's "Add screen" and "Import" entries, for admins only. */
import { useState } from 'react';
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
      {open === 'register' && <RegisterScreenDialog onClose={() => setOpen(null)} />}
      {open === 'import' && <ImportScreensDialog onClose={() => setOpen(null)} />}
    </div>
  );
}
