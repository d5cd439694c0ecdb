import { useEffect } from 'react';
import { consoleApi } from '../../console-api-client';
import { dismissToast, useConsole, type Toast } from '../state/store';
import { navigate } from '../state/router';
import { notificationHref } from '../views/Notifications';
import { Icon } from './Icon';

export const TOAST_MS = 6000;

function ToastItem({ toast }: { toast: Toast }) {
  const n = toast.notification;
  useEffect(() => {
    const t = setTimeout(() => dismissToast(toast.key), TOAST_MS);
    return () => clearTimeout(t);
  }, [toast.key]);
  const target = notificationHref(n);
  const open = () => {
    dismissToast(toast.key);
    if (n.readAt === null) {
      consoleApi
        .markNotificationRead({ notificationId: n.id })
        .catch((e: unknown) => console.warn(e));
    }
    if (target) navigate(target);
  };
  return (
    <div className={`toast kind-${n.kind}`} data-testid="toast" data-notification-id={n.id}>
      <button type="button" className="toast-main" onClick={open}>
        <span className="toast-title">{n.title}</span>
        {n.body && <span className="toast-body">{n.body}</span>}
      </button>
      <button
        type="button"
        className="icon-button toast-close"
        aria-label="Dismiss"
        onClick={() => dismissToast(toast.key)}
      >
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}

export function Toasts() {
  const toasts = useConsole((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.key} toast={t} />
      ))}
    </div>
  );
}
