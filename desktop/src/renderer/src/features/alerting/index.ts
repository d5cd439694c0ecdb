/** Alerting in the console (issue 14): admin views, one's own alarm hours, the critical tone. */
export { AlertingView } from './AlertingView';
export { AlarmSound } from './AlarmSound';
export { MyAlarmHours } from './MyAlarmHours';
