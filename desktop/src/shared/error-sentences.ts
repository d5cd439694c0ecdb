/**
 * Errors as a person reads them. The console API's boundary (ConsoleCore.invoke) turns
 * validation issues and server error codes into one sentence for the form that asked; the
 * technical text (zod paths, HTTP statuses, socket reasons) goes to Diagnostics as an
 * `apiError` event. A form never shows "signIn: email: Too big: expected string…".
 */
import type { z } from 'zod';
import { ALARM_NOTE_MAX, MAX_MESSAGE_LENGTH, MIN_PASSWORD_LENGTH } from '../../../protocol';

type Issue = z.core.$ZodIssue;

const fieldOf = (issue: Issue): string => String(issue.path[0] ?? '');

/** One sentence for the first thing wrong with a request the console itself refused. */
export function validationSentence(method: string, issues: readonly Issue[]): string {
  const issue = issues[0];
  if (!issue) return 'Something in this request is not valid.';
  const field = fieldOf(issue);
  const tooBig = issue.code === 'too_big';
  const tooSmall = issue.code === 'too_small';
  switch (`${method}.${field}`) {
    case 'signIn.serverUrl':
      return tooBig
        ? 'That server address is too long.'
        : 'Enter the server address as a web address, for example http://localhost:4000.';
    case 'signIn.email':
      return tooBig
        ? 'That email address is too long (254 characters at most).'
        : 'Enter your email address, for example name@example.com.';
    case 'signIn.password':
      return tooBig
        ? 'That password is too long (1024 characters at most).'
        : 'Enter your password.';
    case 'sendMessage.body':
      return tooSmall
        ? 'Write a message first.'
        : `Messages are limited to ${MAX_MESSAGE_LENGTH} characters.`;
    case 'sendCommand.screenIds':
      return tooBig ? 'Choose at most 1000 screens at once.' : 'Choose at least one screen.';
    case 'sendCommand.type':
      return 'Screens do not know this command.';
    case 'sendCommand.params':
      return 'These command settings are not valid.';
    case 'importScreens.csv':
      return 'The CSV is too large: import at most 60,000 characters at once.';
    // admin-users
    case 'createUser.name':
      return tooBig
        ? 'That name is too long (200 characters at most).'
        : 'Enter the person’s name.';
    case 'createUser.email':
      return tooBig
        ? 'That email address is too long (254 characters at most).'
        : 'Enter a valid email address, for example name@example.com.';
    case 'createUser.role':
    case 'updateUser.role':
      return 'Choose admin, operator or advertiser.';
    case 'createUser.password':
      return tooBig
        ? 'That password is too long (1024 characters at most).'
        : `A password needs at least ${MIN_PASSWORD_LENGTH} characters; leave it empty to have one generated.`;
    case 'updateUser.password':
    case 'changeOwnPassword.newPassword':
      return tooBig
        ? 'That password is too long (1024 characters at most).'
        : `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
    case 'changeOwnPassword.currentPassword':
      return 'Enter your current password.';
    case 'grantScreens.screenIds':
    case 'revokeScreens.screenIds':
      return tooBig ? 'Choose at most 1000 screens at once.' : 'Choose at least one screen.';
    case 'ackAlarms.alarmIds':
      return tooBig ? 'Acknowledge at most 1000 alarms at once.' : 'Select at least one alarm.';
    case 'noteAlarm.body':
      return tooSmall
        ? 'Write the note first.'
        : `Notes are limited to ${ALARM_NOTE_MAX} characters; shorten it.`;
    // conversations: the protocol's own messages are written as sentences
    case 'createConversation.title':
    case 'createConversation.participantIds':
    case 'updateConversation.title':
    case 'sendAnnouncement.title':
    case 'sendAnnouncement.body':
      return asSentence(issue.message);
    case 'markRead.seq':
    case 'loadMessages.beforeSeq':
      return 'This conversation could not be read; reopen it and try again.';
  }
  return 'The console could not do this: a value it was given is not valid.';
}

/** What a command's parameters must be, by command type (the agent's contract). */
export function commandParamsSentence(type: string): string {
  if (type === 'setBrightness') return 'Brightness must be a whole number from 0 to 100.';
  if (type === 'setPower') return 'Choose on, standby or off for the display power.';
  return 'These command settings are not valid.';
}

/** A server's own message made a sentence: capitalized, with a full stop. */
export function asSentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const s = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?)]$/.test(s) ? s : `${s}.`;
}

/**
 * Server messages written for people (`wrong email or password`, `Harbour Front cannot
 * reboot (…)`) pass through; a zod description (`email: Too big: expected…`) does not.
 */
function looksTechnical(message: string): boolean {
  return /(^|; )[\w.()[\]]+: /.test(message) || /expected|Invalid|\bat path\b/.test(message);
}

/** The server's reason for not creating a command for a screen (`sendCommand`'s `refused`). */
export function commandRefusalSentence(reason: string): string {
  return reason
    .split('; ')
    .map((r) =>
      r === 'no such screen'
        ? 'The server does not know this screen (it may have been retired).'
        : asSentence(r),
    )
    .filter((r, i, all) => all.indexOf(r) === i)
    .join(' ');
}

/** One sentence for an error the server (or the way to it) gave a console call. */
export function serverErrorSentence(
  method: string,
  code: string,
  message: string,
  serverUrl?: string | null,
): string {
  const where = serverUrl ? ` at ${serverUrl}` : '';
  switch (code) {
    case 'unavailable':
      return method === 'signIn'
        ? `Cannot reach the server${where}. Check the address, and that the server is running.`
        : 'The server cannot be reached right now; try again when the console is live.';
    case 'bad_response':
      return `The address${where} answered, but not as a Marquee server. Check the server address.`;
    case 'rate_limited':
      return method === 'signIn'
        ? 'Too many sign-in attempts. Wait a minute, then try again.'
        : 'That was too many requests in a short time. Wait a moment, then try again.';
    case 'unauthorized':
      return method === 'signIn'
        ? 'Wrong email or password.'
        : 'Your session has ended; sign in again.';
    case 'forbidden':
      if (method === 'sendCommand') return 'Your account cannot send commands to screens.';
      if (method === 'ackAlarm') return 'Your account cannot acknowledge alarms.';
      if (method === 'sendMessage') return 'You cannot write in this conversation.';
      if (method === 'changeOwnPassword' && !looksTechnical(message)) return asSentence(message);
      // audit: the server's sentence names the role (audit-feature.ts).
      if (method === 'queryAudit' || method === 'exportAuditCsv') return asSentence(message);
      // reports: the server's sentence names the role (server/src/reports/uptime-feature.ts).
      if (method === 'uptimeReport' || method === 'exportUptimeCsv') return asSentence(message);
      return 'Your account is not allowed to do this.';
    case 'not_found':
      if (method === 'sendCommand') return 'No screen matches this command’s target any more.';
      return looksTechnical(message) ? 'The server no longer has this.' : asSentence(message);
    case 'conflict':
      if (method === 'sendCommand') return commandRefusalSentence(message);
      return looksTechnical(message)
        ? 'This conflicts with a change made meanwhile.'
        : asSentence(message);
    case 'too_large':
      return 'That is too large for the server to accept.';
    case 'bad_request':
      if (method === 'signIn') return 'Enter a valid email address and password.';
      if (method === 'sendCommand') return 'The server did not accept this command’s settings.';
      // alerting: protocol/alerting.ts words each refusal for people; only its field goes.
      if (method.startsWith('alerting'))
        return asSentence(message.split('; ')[0]!.replace(/^[\w.]+: /, ''));
      return looksTechnical(message)
        ? 'The server did not accept this request.'
        : asSentence(message);
    case 'internal':
      return 'Something went wrong; the details are in Diagnostics.';
  }
  if (/^http_\d+$/.test(code))
    return `The address${where} answered, but not as a Marquee server. Check the server address.`;
  return looksTechnical(message) ? 'The request did not succeed.' : asSentence(message);
}

/** `connection.lastError` (technical, for Diagnostics) as a sentence a form may show. */
export function connectionErrorSentence(lastError: string): string {
  if (lastError.startsWith('cannot reach ')) return 'The server could not be reached.';
  if (lastError.startsWith('sync failed'))
    return 'Catching up with the server failed; the console retries by itself.';
  return looksTechnical(lastError)
    ? 'The connection had a problem; the details are in Diagnostics.'
    : asSentence(lastError);
}
