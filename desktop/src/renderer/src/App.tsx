import { useEffect, useRef } from 'react';
import { useConsole } from './state/store';
import { parseRoute, useHash, type Route } from './state/router';
import { Header, OfflineBanner } from './components/Header';
import { Nav } from './components/Nav';
import { Toasts } from './components/Toasts';
import { SignIn } from './views/SignIn';
import { FleetView } from './views/Fleet';
import { ScreenDetail } from './views/ScreenDetail';
import { AlarmsView } from './views/Alarms';
import { MessagesView } from './views/Messages';
import { NotificationsView } from './views/Notifications';
import { DiagnosticsView } from './views/Diagnostics';
import { SettingsView } from './views/Settings';
import { PeopleView } from './features/admin-users/PeopleView';
import { AuditView } from './features/audit/AuditView';
import { ReportsView } from './features/reports/ReportsView';
import { AlarmRulesView } from './features/alarm-rules/AlarmRulesView';
import { AlertingView, AlarmSound } from './features/alerting';
import { NewConversationView } from './features/conversations';
import { can } from './state/permissions';
import { Empty } from './components/common';
import { KeyboardLayer } from './features/keyboard/KeyboardLayer';
import { MapPage } from './features/map';
import { ScreenshotSchedulesView } from './features/screenshots';
import { CampaignsView } from './features/campaigns/CampaignsView';
import { AdvertiserHome, useAdvertiserLanding } from './features/campaigns/AdvertiserHome';

function NotForRole({ what }: { what: string }) {
  return (
    <section data-testid="not-for-role">
      <Empty>{what} are for the network's operators; your account does not include them.</Empty>
    </section>
  );
}

function View({ route }: { route: Route }) {
  const user = useConsole((s) => s.user);
  switch (route.view) {
    case 'fleet':
      return <FleetView />;
    case 'screen':
      return <ScreenDetail screenId={route.screenId} />;
    case 'alarms':
      return can(user, 'seeAlarms') ? <AlarmsView /> : <NotForRole what="Alarms" />;
    case 'messages':
      return <MessagesView conversationId={route.conversationId} />;
    case 'notifications':
      return <NotificationsView />;
    case 'diagnostics':
      return <DiagnosticsView />;
    case 'settings':
      return <SettingsView />;
    case 'people':
      return can(user, 'managePeople') ? (
        <PeopleView userId={route.userId} />
      ) : (
        <NotForRole what="People" />
      );
    // audit
    case 'audit':
      return can(user, 'seeAudit') ? (
        <AuditView />
      ) : (
        <section data-testid="not-for-role">
          <Empty>The audit log is for admins; your account does not include it.</Empty>
        </section>
      );
    // reports
    case 'reports':
      return can(user, 'seeReports') ? <ReportsView /> : <NotForRole what="Reports" />;
    // alarm rules
    case 'alarmRules':
      return can(user, 'seeAlarmRules') ? <AlarmRulesView /> : <NotForRole what="Alarm rules" />;
    case 'alerting':
      return can(user, 'manageAlerting') ? (
        <AlertingView tab={route.tab} />
      ) : (
        <NotForRole what="Alerting settings" />
      );
    case 'newConversation':
      return <NewConversationView screenId={route.screenId} />;
    case 'map':
      return <MapPage />;
    case 'screenshotSchedules':
      return can(user, 'sendCommands') ? (
        <ScreenshotSchedulesView />
      ) : (
        <NotForRole what="Screenshot schedules" />
      );
    case 'campaigns':
      // Advertisers' campaigns are their home: bookings, live screens, delivery, conversations.
      return user?.role === 'advertiser' ? (
        <AdvertiserHome campaignId={route.campaignId} />
      ) : (
        <CampaignsView campaignId={route.campaignId} />
      );
  }
}

export function App() {
  const ready = useConsole((s) => s.ready);
  const signedIn = useConsole((s) => s.user !== null && s.connection.status !== 'signedOut');
  const route = parseRoute(useHash());
  const mainRef = useRef<HTMLElement>(null);
  const routeKey = route.view === 'messages' ? 'messages' : JSON.stringify(route);
  useAdvertiserLanding();

  // Move focus to the new view on navigation, so keyboard users start at its top.
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    if (!mainRef.current?.contains(document.activeElement)) mainRef.current?.focus();
  }, [routeKey]);

  if (!ready) {
    return (
      <div className="splash" role="status">
        <div className="brand-mark" aria-hidden="true" />
        <p>Opening the console…</p>
      </div>
    );
  }
  if (!signedIn) return <SignIn />;

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => (e.preventDefault(), mainRef.current?.focus())}
      >
        Skip to content
      </a>
      <Header />
      <OfflineBanner />
      <div className="app-body">
        <Nav route={route} />
        <main id="main" className="main" ref={mainRef} tabIndex={-1}>
          <View route={route} />
        </main>
      </div>
      <Toasts />
      <AlarmSound />
      <KeyboardLayer />
    </div>
  );
}
