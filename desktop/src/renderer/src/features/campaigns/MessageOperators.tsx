/**
 * "Message the operators about this booking / screen": opens the advertiser's conversation about
 * it when one exists, else starts one (`about: {type, id}`) with the member of the operations
 * team they pick. Why a pick: advertisers may open direct conversations only (the server's
 * rule, server/src/chat/conversations.ts), so one person of the team is addressed; the team
 * sees it under Messages → Waiting for you until somebody answers.
 */
import { useMemo, useState } from 'react';
import type { ConversationAbout } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { href, navigate } from '../../state/router';
import { useConsole } from '../../state/store';
import { usePeople } from '../conversations/people';
import { message } from './use-campaigns';

/** The newest conversation of mine about this booking or screen. */
function useConversationAbout(about: ConversationAbout) {
  const conversations = useConsole((s) => s.conversations);
  const me = useConsole((s) => s.user?.id);
  return useMemo(() => {
    const mine = [...conversations.values()].filter(
      (c) =>
        c.participants.some((p) => p.userId === me) &&
        ((c.about?.type === about.type && c.about.id === about.id) ||
          (about.type === 'screen' && c.screenId === about.id)),
    );
    return mine.sort(
      (a, b) => (b.lastMessage?.createdAt ?? 0) - (a.lastMessage?.createdAt ?? 0),
    )[0];
  }, [conversations, me, about.type, about.id]);
}

export function MessageOperators({ about, live }: { about: ConversationAbout; live: boolean }) {
  const existing = useConversationAbout(about);
  const [open, setOpen] = useState(false);
  const what = about.type === 'booking' ? 'booking' : 'screen';
  const label = `Message the operators about this ${what}`;
  const testId = `message-operators-${what}`;
  if (existing)
    return (
      <a
        className="button small"
        href={href.messages(existing.id)}
        data-testid={testId}
        data-conversation-id={existing.id}
      >
        {label}
      </a>
    );
  if (!open)
    return (
      <button
        type="button"
        className="button small"
        data-testid={testId}
        disabled={!live}
        title={live ? undefined : 'Starting a conversation needs the server'}
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
    );
  return <StartAbout about={about} onCancel={() => setOpen(false)} />;
}

function StartAbout({ about, onCancel }: { about: ConversationAbout; onCancel(): void }) {
  const { people, error: loadError } = usePeople();
  const [picked, setPicked] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // An advertiser is offered the operations team only (the server's contact list).
  const who = picked || people[0]?.id || '';
  const start = () => {
    if (!who) return setError('Nobody of the operations team can be reached yet.');
    setBusy(true);
    consoleApi
      .createConversation({ kind: 'direct', participantIds: [who], about })
      .then(({ conversation }) => navigate(href.messages(conversation.id)))
      .catch((e: unknown) => {
        setError(message(e));
        setBusy(false);
      });
  };
  return (
    <span
      className="message-operators"
      data-testid="message-operators-start"
      data-about={about.type}
    >
      <label>
        To{' '}
        <select
          data-testid="message-operators-person"
          value={who}
          onChange={(e) => setPicked(e.target.value)}
        >
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.role})
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button small primary"
        data-testid="message-operators-go"
        disabled={busy || !who}
        onClick={start}
      >
        Start conversation
      </button>
      <button type="button" className="button small ghost" onClick={onCancel}>
        Cancel
      </button>
      {(error ?? loadError) && (
        <span className="form-error" role="alert">
          {error ?? loadError}
        </span>
      )}
    </span>
  );
}
