/**
 * The parts of the console API contract with no dependencies, so the sandboxed preload can
 * bundle them without pulling in zod (a sandboxed preload may require only `electron`).
 */
import { ALERTING_METHODS } from './alerting-methods';

export const CONSOLE_METHODS = [
  'getSnapshot',
  'signIn',
  'signOut',
  'loadMessages',
  'sendMessage',
  'markRead',
  'setTyping',
  'setPresence',
  'ackAlarm',
  'sendCommand',
  'getScreenHistory',
  'viewConversation',
  'markNotificationRead',
  'ping',
  // admin-screens
  'registerScreen',
  'editScreen',
  'retireScreen',
  'restoreScreen',
  'rotateScreenCredentials',
  'importScreens',
  // admin-users
  'listPeople',
  'createUser',
  'updateUser',
  'listGrants',
  'grantScreens',
  'revokeScreens',
  'changeOwnPassword',
  // audit
  'queryAudit',
  'exportAuditCsv',
  // reports
  'uptimeReport',
  'exportUptimeCsv',
  // campaigns
  'listCampaigns',
  'getCampaign',
  'listOrganizations',
  'createOrganization',
  'setUserOrganization',
  'createCampaign',
  'createBooking',
  'updateBooking',
  'cancelBooking',
  'campaignDelivery',
  'exportDeliveryCsv',
  // alarms at volume
  'ackAlarms',
  'noteAlarm',
  // conversations
  'listContacts',
  'createConversation',
  'updateConversation',
  'addParticipant',
  'removeParticipant',
  'sendAnnouncement',
  // map
  'fetchMapTile',
  // screenshots
  'listScreenshots',
  'getScreenshot',
  // alarm rules
  'listAlarmRules',
  'putAlarmRule',
  'deleteAlarmRule',
  'listMaintenance',
  'putMaintenance',
  'endMaintenance',
  // desired state
  'getScreenDesired',
  'setScreenDesired',
  'listTagDesired',
  'setTagDesired',
  'clearTagDesired',
  'listScreenshotSchedules',
  'setScreenshotSchedule',
  'deleteScreenshotSchedule',
  // alerting
  ...ALERTING_METHODS,
  'getAttachment',
] as const;

/** Channel names for Electron IPC (the typed channel map, Rocket.Chat.Electron style). */
export const IPC_INVOKE_CHANNEL = 'marquee:console:invoke';
export const IPC_EVENT_CHANNEL = 'marquee:console:event';

/** Errors cross IPC/WebSocket as this shape and are rethrown as ConsoleError in the renderer. */
export interface ConsoleErrorShape {
  code: string;
  message: string;
}

export class ConsoleError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}
