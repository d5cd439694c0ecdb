/** Alerting's console API method names (dependency-free, for the sandboxed preload's list). */
export const ALERTING_METHODS = [
  'alertingStatus',
  'alertingListRoutes',
  'alertingSaveRoute',
  'alertingDeleteRoute',
  'alertingListGroups',
  'alertingSaveGroup',
  'alertingDeleteGroup',
  'alertingListWebhooks',
  'alertingSaveWebhook',
  'alertingDeleteWebhook',
  'alertingListContacts',
  'alertingSaveContact',
  'alertingMySchedule',
  'alertingSaveMySchedule',
  'alertingDeliveries',
] as const;
