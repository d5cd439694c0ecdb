/**
 * Chat tied to work (issue 12), as the views show it: what a conversation is about (a chip
 * that opens the screen; a booking or campaign is a label until its view exists), the
 * conversations waiting for an answer from the operations team (a section of the inbox, a
 * count in the nav) and, on a screen's detail, the conversations about that screen.
 *
 * Decision: "waiting" is read from the console's replica (`waitingSince`, kept by the server
 * on each conversation), so it works offline and changes live; it covers the conversations
 * this person takes part in. The team-wide list is `GET /api/conversations/waiting`.
 */
import { useMemo } from 'react';
import type { Conversation } from '../../../../../../protocol';
import { Icon } from '../../components/Icon';
import { when } from '../../format';
import { can } from '../../state/permissions';
import { href } from '../../state/router';
import { useConsole } from '../../state/store';
import './chat-work.css';

/** The conversations of this person that wait for the team's answer, the longest first. */
export function useWaiting(): Conversation[] {
  const conversations = useConsole((s) => s.conversations);
  const user = useConsole((s) => s.user);
  return useMemo(() => {
    if (!can(user, 'manageConversations')) return [];
    return [...conversations.values()]
      .filter((c) => c.waitingSince != null && c.participants.some((p) => p.userId === user?.id))
      .sort((a, b) => a.waitingSince! - b.waitingSince! || a.id.localeCompare(b.id));
  }, [conversations, user]);
}

const label = (c: Conversation, me: string | undefined) =>
  c.kind === 'direct' ? (c.participants.find((p) => p.userId !== me)?.name ?? c.title) : c.title;

/** In the thread's header: what the conversation is about. */
export function AboutChip({ conversation }: { conversation: Conversation }) {
  const about =
    conversation.about ??
    (conversation.screenId ? { type: 'screen' as const, id: conversation.screenId } : null);
  const screenName = useConsole((s) =>
    about?.type === 'screen' ? s.screens.get(about.id)?.name : undefined,
  );
  if (!about) return null;
  if (about.type === 'screen')
    return (
      <a className="chip link" href={href.screen(about.id)} data-testid="conversation-about">
        <Icon name="screen" size={12} /> {screenName ?? about.id}
      </a>
    );
  return (
    <span
      className="chip"
      data-testid="conversation-about"
      title={`About ${about.type} ${about.id}`}
    >
      {about.type === 'booking' ? 'Booking' : 'Campaign'} <span className="mono">{about.id}</span>
    </span>
  );
}

/** Above the inbox, for operators and admins: who waits for an answer, the longest first. */
export function WaitingSection() {
  const waiting = useWaiting();
  const user = useConsole((s) => s.user);
  const me = user?.id;
  if (!can(user, 'manageConversations')) return null;
  return (
    <section className="waiting" aria-labelledby="waiting-title" data-testid="waiting-section">
      <h2 id="waiting-title">
        Waiting for you <span className="muted">({waiting.length})</span>
      </h2>
      {waiting.length === 0 ? (
        <p className="muted small">Nobody is waiting for an answer.</p>
      ) : (
        <ul>
          {waiting.map((c) => (
            <li key={c.id}>
              <a href={href.messages(c.id)} data-testid="waiting-item" data-conversation-id={c.id}>
                <span className="waiting-name">{label(c, me)}</span>
                <time className="muted small">since {when(c.waitingSince!)}</time>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Beside the nav's Messages entry: how many conversations wait for an answer. */
export function WaitingBadge() {
  const n = useWaiting().length;
  if (n === 0) return null;
  return (
    <span
      className="nav-badge tone-warning"
      data-testid="nav-waiting"
      aria-label={`${n} waiting for an answer`}
      title={`${n} waiting for an answer`}
    >
      {n}
    </span>
  );
}

/** On a screen's detail: the conversations about it, to open and answer from there. */
export function ScreenConversations({ screenId }: { screenId: string }) {
  const conversations = useConsole((s) => s.conversations);
  const me = useConsole((s) => s.user?.id);
  const about = useMemo(
    () =>
      [...conversations.values()]
        .filter(
          (c) =>
            (c.screenId === screenId || (c.about?.type === 'screen' && c.about.id === screenId)) &&
            c.participants.some((p) => p.userId === me),
        )
        .sort(
          (a, b) =>
            (b.lastMessage?.createdAt ?? 0) - (a.lastMessage?.createdAt ?? 0) ||
            a.id.localeCompare(b.id),
        ),
    [conversations, screenId, me],
  );
  if (about.length === 0) return null;
  return (
    <section className="panel screen-conversations" data-testid="screen-conversations">
      <h2>Conversations about this screen</h2>
      <ul>
        {about.map((c) => (
          <li key={c.id}>
            <a
              href={href.messages(c.id)}
              data-testid="screen-conversation"
              data-conversation-id={c.id}
            >
              <Icon name="chat" size={12} /> {label(c, me)}
            </a>
            {c.waitingSince != null && (
              <span className="chip warn" data-testid="screen-conversation-waiting">
                waits for an answer
              </span>
            )}
            {c.lastMessage && (
              <span className="muted small">
                {c.lastMessage.senderName}: {c.lastMessage.body.slice(0, 80)}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
