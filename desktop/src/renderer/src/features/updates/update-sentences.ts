/** What the Updates panel says for each update status (the main process words errors). */
import type { UpdateStatus } from '../../../../shared/desktop-contract';

export function updateSentence(status: UpdateStatus, appVersion: string): string {
  switch (status.state) {
    case 'off':
      return status.reason;
    case 'checking':
      return 'Checking for updates…';
    case 'upToDate':
      return `Up to date (${appVersion}).`;
    case 'downloading':
      return `Version ${status.version} available — downloading (${status.percent}%).`;
    case 'ready':
      return `Version ${status.version} available — restart to install.`;
    case 'error':
      return status.message;
  }
}

/** A manual check makes sense unless one is running or an update waits for the restart. */
export function canCheckNow(status: UpdateStatus): boolean {
  return status.state === 'upToDate' || status.state === 'error';
}
