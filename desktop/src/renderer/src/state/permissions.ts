/**
 * What each role is offered (DESIGN.md "Who sees what"). The server refuses anything else
 * anyway; the console only stops offering what would be refused. Advertisers see the screens
 * linked to them, live, and chat; they send no commands and see no alarms.
 */
import type { Role, User } from '../../../../../protocol';

export type Ability =
  | 'sendCommands'
  | 'seeAlarms'
  | 'manageScreens'
  | 'managePeople'
  // seeAudit: admins only (server/src/audit/audit-feature.ts says why).
  | 'seeAudit'
  // seeReports: operators and admins (server/src/reports/uptime-feature.ts says why).
  | 'seeReports'
  // alerting: who gets which alarms (admins)
  | 'manageAlerting'
  // manageCampaigns: operators and admins book; advertisers read their own (server/src/campaigns/README.md).
  | 'manageCampaigns'
  // conversations: staff open groups and manage participants; admins announce to everyone
  | 'manageConversations'
  | 'sendAnnouncements'
  // alarm rules (issue 14): operators read them, admins change them
  | 'seeAlarmRules'
  | 'manageAlarmRules';

const abilities: Record<Role, ReadonlySet<Ability>> = {
  admin: new Set([
    'sendCommands',
    'seeAlarms',
    'manageScreens',
    'managePeople',
    'seeAudit',
    'seeReports',
    'manageAlerting',
    'manageCampaigns',
    'manageConversations',
    'sendAnnouncements',
    'seeAlarmRules',
    'manageAlarmRules',
  ]),
  operator: new Set([
    'sendCommands',
    'seeAlarms',
    'manageConversations',
    'seeReports',
    'seeAlarmRules',
    'manageCampaigns',
  ]),
  advertiser: new Set(),
};

export function can(user: Pick<User, 'role'> | null, ability: Ability): boolean {
  return user !== null && abilities[user.role].has(ability);
}
