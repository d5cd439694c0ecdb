/**
 * Alerting (admins): who gets which alarms. Tabs: routes, on-call groups, people's contacts,
 * webhooks, and the delivery log. The server's words for what it refuses are shown as they are.
 */
import { Empty, PageHeader } from '../../components/common';
import { href, type AlertingTab } from '../../state/router';
import { ContactsPanel } from './ContactsPanel';
import { DeliveryLog } from './DeliveryLog';
import { GroupsPanel } from './GroupsPanel';
import { RoutesPanel } from './RoutesPanel';
import { WebhooksPanel } from './WebhooksPanel';
import { useAlerting } from './use-alerting';
import './alerting.css';

const TABS: [AlertingTab, string][] = [
  ['routes', 'Routes'],
  ['groups', 'On-call groups'],
  ['people', 'People'],
  ['webhooks', 'Webhooks'],
  ['log', 'Delivery log'],
];

export function AlertingView({ tab }: { tab: AlertingTab }) {
  const { data, error, reload } = useAlerting();
  return (
    <section className="alerting-view" aria-labelledby="alerting-title">
      <PageHeader title={<span id="alerting-title">Alerting</span>}>
        {data?.status && (
          <span className="muted" data-testid="alerting-email-status">
            {data.status.email.enabled ? 'E-mail on' : 'E-mail off'}
          </span>
        )}
      </PageHeader>
      {data?.status && !data.status.email.enabled && (
        <p className="muted alerting-note">{data.status.email.detail}.</p>
      )}
      <nav className="alerting-tabs" aria-label="Alerting sections">
        {TABS.map(([id, label]) => (
          <a
            key={id}
            href={href.alerting(id)}
            data-testid={`alerting-tab-${id}`}
            className={id === tab ? 'active' : undefined}
            aria-current={id === tab ? 'page' : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      {error && (
        <p className="form-error" role="alert" data-testid="alerting-error">
          {error}
        </p>
      )}
      {!data ? (
        !error && <Empty>Loading…</Empty>
      ) : tab === 'routes' ? (
        <RoutesPanel data={data} reload={reload} />
      ) : tab === 'groups' ? (
        <GroupsPanel data={data} reload={reload} />
      ) : tab === 'people' ? (
        <ContactsPanel data={data} reload={reload} />
      ) : tab === 'webhooks' ? (
        <WebhooksPanel data={data} reload={reload} />
      ) : (
        <DeliveryLog data={data} />
      )}
    </section>
  );
}
