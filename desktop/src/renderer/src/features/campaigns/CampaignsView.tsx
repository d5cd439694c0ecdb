/**
 * Campaigns (issue 12): the list with each campaign's organization; operators and admins create
 * campaigns (and admins organizations); a campaign opens its bookings and delivery
 * (CampaignDetail.tsx). Advertisers get the same list, read-only, filtered by the server.
 * Online only: campaigns are read on the server (server/src/campaigns/README.md).
 */
import { useState, type FormEvent } from 'react';
import { consoleApi } from '../../../console-api-client';
import { Empty, PageHeader } from '../../components/common';
import { can } from '../../state/permissions';
import { href } from '../../state/router';
import { useConsole } from '../../state/store';
import { CampaignDetail } from './CampaignDetail';
import { message, useCampaigns } from './use-campaigns';
import './campaigns.css';

function NewCampaignForm({
  organizations,
  onDone,
}: {
  organizations: { id: string; name: string }[];
  onDone(): void;
}) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [organizationId, setOrg] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    consoleApi
      .createCampaign({ id, name, organizationId })
      .then(() => {
        setId('');
        setName('');
        setError(null);
        onDone();
      })
      .catch((err: unknown) => setError(message(err)));
  };
  return (
    <form className="campaign-form" data-testid="new-campaign" onSubmit={submit}>
      <h3>New campaign</h3>
      <label>
        Campaign id (what players report)
        <input name="campaignId" value={id} onChange={(e) => setId(e.target.value)} required />
      </label>
      <label>
        Name
        <input
          name="campaignName"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
      </label>
      <label>
        Organization
        <select
          name="organization"
          value={organizationId}
          onChange={(e) => setOrg(e.target.value)}
          required
        >
          <option value="">Choose…</option>
          {organizations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Create campaign</button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function NewOrganizationForm({ onDone }: { onDone(): void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    consoleApi
      .createOrganization({ name })
      .then(() => {
        setName('');
        setError(null);
        onDone();
      })
      .catch((err: unknown) => setError(message(err)));
  };
  return (
    <form className="campaign-form" data-testid="new-organization" onSubmit={submit}>
      <h3>New advertiser organization</h3>
      <label>
        Name
        <input
          name="organizationName"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
      </label>
      <button type="submit">Create organization</button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function CampaignsView({ campaignId }: { campaignId: string | null }) {
  const live = useConsole((s) => s.connection.status === 'live');
  const user = useConsole((s) => s.user);
  const manage = can(user, 'manageCampaigns');
  const { campaigns, organizations, error, reload } = useCampaigns(live);
  if (campaignId) return <CampaignDetail campaignId={campaignId} manage={manage} live={live} />;
  return (
    <section className="campaigns" data-testid="campaigns-view">
      <PageHeader title="Campaigns" />
      {!live && <Empty>Campaigns need the server; they show again once the console is live.</Empty>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {live && campaigns.length === 0 && !error && <Empty>No campaigns yet.</Empty>}
      {campaigns.length > 0 && (
        <table className="campaigns-table" data-testid="campaigns-table">
          <thead>
            <tr>
              <th>Campaign</th>
              <th>Id</th>
              <th>Organization</th>
              <th>Active bookings</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id} data-campaign={c.id}>
                <td>
                  <a href={href.campaigns(c.id)}>{c.name}</a>
                </td>
                <td>{c.id}</td>
                <td>{c.organizationName}</td>
                <td>{c.activeBookings}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manage && live && (
        <div className="campaign-forms">
          <NewCampaignForm organizations={organizations} onDone={reload} />
          {can(user, 'managePeople') && <NewOrganizationForm onDone={reload} />}
        </div>
      )}
    </section>
  );
}
