import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import type { Conversation } from '../../../../../protocol';
import { MAX_MESSAGE_LENGTH } from '../../../../../protocol/socket';
import type { ThreadMessage } from '../../../shared/console-api';
import { consoleApi } from '../../console-api-client';
import {
  addLocalMessage,
  applyMessagePage,
  useConsole,
  type Thread,
  type TypingEntry,
} from '../state/store';
import { href } from '../state/router';
import { when } from '../format';
import { Empty, PresenceDot } from '../components/common';
import { Icon } from '../components/Icon';
import {
  AboutChip,
  AttachButton,
  ManageConversation,
  MessageAttachments,
  NewConversationButton,
  WaitingSection,
  useComposerFiles,
} from '../features/conversations';

/** Re-send 'typing: true' at most this often while the operator keeps typing. */
export const TYPING_THROTTLE_MS = 3000;
/** Say 'typing: false' after this long without a keystroke. */
export const TYPING_IDLE_MS = 4000;

const EMPTY_THREAD: Thread = { messages: [], hasMore: false, loaded: false };
const NO_TYPING: TypingEntry[] = [];

function lastActivity(c: Conversation): number {
  return c.lastMessage?.createdAt ?? 0;
}

/** A direct conversation is shown under the other person's name. */
export function conversationTitle(c: Conversation, me: string | undefined): string {
  if (c.kind === 'direct') {
    const other = c.participants.find((p) => p.userId !== me);
    if (other) return other.name;
  }
  return c.title;
}

function typingText(typing: TypingEntry[]): string {
  const names = typing.map((t) => t.name);
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

function ConversationItem({
  conversation,
  active,
  me,
}: {
  conversation: Conversation;
  active: boolean;
  me: string | undefined;
}) {
  const screenName = useConsole((s) =>
    conversation.screenId ? s.screens.get(conversation.screenId)?.name : undefined,
  );
  const others = conversation.participants.filter((p) => p.userId !== me);
  const last = conversation.lastMessage;
  const typing = useConsole((s) => s.typing.get(conversation.id) ?? NO_TYPING);
  return (
    <li>
      <a
        href={href.messages(conversation.id)}
        className={`conversation-item${active ? ' active' : ''}${conversation.unread ? ' has-unread' : ''}`}
        data-testid="conversation-item"
        data-conversation-id={conversation.id}
        aria-current={active ? 'true' : undefined}
      >
        <span className="conv-top">
          <span className="conv-title">{conversationTitle(conversation, me)}</span>
          {last && <time className="conv-time">{when(last.createdAt)}</time>}
        </span>
        <span className="conv-people">
          {others.slice(0, 5).map((p) => (
            <span key={p.userId} className="conv-person">
              <PresenceDot userId={p.userId} name={p.name} />
              {p.name}
            </span>
          ))}
          {others.length > 5 && <span className="muted">+{others.length - 5}</span>}
        </span>
        {conversation.screenId && (
          <span className="conv-screen">
            <Icon name="screen" size={12} /> {screenName ?? conversation.screenId}
          </span>
        )}
        <span className="conv-bottom">
          <span className="conv-preview">
            {typing.length > 0 ? (
              <span className="conv-typing" data-testid="conversation-typing">
                {typingText(typing)}
              </span>
            ) : last ? (
              <>
                <span className="muted">{last.senderId === me ? 'You' : last.senderName}: </span>
                {last.body}
              </>
            ) : (
              <span className="muted">No messages yet</span>
            )}
          </span>
          <span
            className="unread-badge"
            data-testid="unread-count"
            data-count={conversation.unread}
            aria-label={`${conversation.unread} unread`}
          >
            {conversation.unread}
          </span>
        </span>
      </a>
    </li>
  );
}

const MessageItem = memo(function MessageItem({
  message,
  mine,
  read,
  showSender,
}: {
  message: ThreadMessage;
  mine: boolean;
  read: boolean;
  showSender: boolean;
}) {
  return (
    <li
      className={`message-item${mine ? ' mine' : ''}${message.pending ? ' pending' : ''}`}
      data-testid="message-item"
      data-client-id={message.clientId}
      data-message-id={message.id}
      data-seq={message.pending ? undefined : message.seq}
      data-pending={String(message.pending)}
      data-read={String(read)}
    >
      {showSender && !mine && <div className="message-sender">{message.senderName}</div>}
      <div className="message-bubble">
        {/* Plain text only: React escapes it; white-space keeps the sender's line breaks. */}
        <div className="message-body">{message.body}</div>
        <MessageAttachments attachments={message.attachments} />
        <div className="message-meta">
          <time dateTime={new Date(message.createdAt).toISOString()}>
            {when(message.createdAt)}
          </time>
          {mine &&
            (message.pending ? (
              <span className="tick pending" title="Waiting to send">
                pending
              </span>
            ) : (
              <span
                className={`tick${read ? ' read' : ''}`}
                title={read ? 'Read' : 'Sent'}
                aria-label={read ? 'Read' : 'Sent'}
              >
                {read ? '✓✓' : '✓'}
              </span>
            ))}
        </div>
      </div>
    </li>
  );
});

function TypingIndicator({ conversationId }: { conversationId: string }) {
  const typing = useConsole((s) => s.typing.get(conversationId) ?? NO_TYPING);
  if (typing.length === 0) return <div className="typing-slot" />;
  const text = typingText(typing);
  return (
    <div className="typing-slot">
      <span className="typing-indicator" data-testid="typing-indicator" aria-live="polite">
        <span className="typing-dots" aria-hidden="true">
          <i />
          <i />
          <i />
        </span>
        {text}
      </span>
    </div>
  );
}

function Composer({ conversationId }: { conversationId: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const refused = useConsole((s) => s.threads.get(conversationId)?.failure ?? null);
  const typingSentAt = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const picked = useComposerFiles();

  const sendTyping = useCallback(
    (isTyping: boolean) => {
      consoleApi
        .setTyping({ conversationId, isTyping })
        .catch((e: unknown) => console.warn('setTyping', e));
    },
    [conversationId],
  );

  const stopTyping = useCallback(() => {
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = null;
    if (typingSentAt.current) {
      typingSentAt.current = 0;
      sendTyping(false);
    }
  }, [sendTyping]);

  // Leaving the thread: tell the others we stopped.
  useEffect(() => stopTyping, [stopTyping]);

  const onChange = (value: string) => {
    setText(value);
    setError(null);
    if (!value.trim()) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (now - typingSentAt.current > TYPING_THROTTLE_MS) {
      typingSentAt.current = now;
      sendTyping(true);
    }
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const send = async () => {
    const files = picked.files;
    // A file alone still says something: its name is the text.
    const body = text.trim() || files.map((f) => f.fileName).join(', ');
    if (!body) return;
    if (body.length > MAX_MESSAGE_LENGTH) {
      setError(`Messages are limited to ${MAX_MESSAGE_LENGTH} characters.`);
      return;
    }
    stopTyping();
    setText('');
    picked.clear();
    try {
      const attachments = files.map(({ fileName, dataBase64 }) => ({ fileName, dataBase64 }));
      const message = await consoleApi.sendMessage({
        conversationId,
        body,
        ...(attachments.length ? { attachments } : {}),
      });
      addLocalMessage(message);
    } catch (e) {
      setText((t) => t || text);
      if (files.length) for (const f of files) picked.restore(f);
      setError(e instanceof Error ? e.message : String(e));
    }
    inputRef.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  const over = text.length > MAX_MESSAGE_LENGTH;
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {(error ?? refused) && (
        <p className="form-error" role="alert" data-testid="composer-error">
          {error ?? refused}
        </p>
      )}
      <div className="composer-row">
        <label className="sr-only" htmlFor={`composer-${conversationId}`}>
          Message
        </label>
        <textarea
          id={`composer-${conversationId}`}
          ref={inputRef}
          data-testid="composer-input"
          rows={2}
          value={text}
          placeholder="Write a message — Enter to send, Shift+Enter for a new line"
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => {
            if (!text.trim()) stopTyping();
          }}
          aria-invalid={over || undefined}
        />
        <AttachButton
          files={picked.files}
          error={picked.error}
          onPick={picked.add}
          onRemove={picked.remove}
        />
        <button
          type="submit"
          className="button primary"
          data-testid="composer-send"
          disabled={(!text.trim() && picked.files.length === 0) || over}
        >
          <Icon name="send" size={16} /> Send
        </button>
      </div>
      {text.length > MAX_MESSAGE_LENGTH - 200 && (
        <div className={`char-count${over ? ' over' : ''}`}>
          {text.length} / {MAX_MESSAGE_LENGTH}
        </div>
      )}
    </form>
  );
}

function ThreadView({ conversation }: { conversation: Conversation }) {
  const me = useConsole((s) => s.user?.id);
  const thread = useConsole((s) => s.threads.get(conversation.id) ?? EMPTY_THREAD);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const conversationId = conversation.id;

  const load = useCallback(
    async (beforeSeq?: number) => {
      setLoading(true);
      setError(null);
      try {
        const page = await consoleApi.loadMessages(
          beforeSeq ? { conversationId, beforeSeq } : { conversationId },
        );
        applyMessagePage(conversationId, page.messages, page.hasMore, beforeSeq === undefined);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setLoading(false);
      }
    },
    [conversationId],
  );

  // Enter the conversation's room while the thread is open: new messages and typing arrive
  // live, and the server does not notify about a conversation being looked at.
  useEffect(() => {
    consoleApi.viewConversation({ conversationId }).catch(() => undefined);
    return () => {
      consoleApi.viewConversation({ conversationId: null }).catch(() => undefined);
    };
  }, [conversationId]);

  // Always fetch the newest page on opening (the cache may have more than the events brought).
  useEffect(() => {
    atBottom.current = true;
    void load();
  }, [load]);

  const messages = thread.messages;
  const firstSent = messages.find((m) => !m.pending);
  const loadOlder = () => {
    if (!firstSent || loading) return;
    const el = scrollRef.current;
    const before = el ? el.scrollHeight - el.scrollTop : 0;
    void load(firstSent.seq).then(() => {
      // Keep the message that was on screen where it was.
      requestAnimationFrame(() => {
        if (el) el.scrollTop = el.scrollHeight - before;
      });
    });
  };

  // Follow new messages when the operator is at the bottom.
  const lastKey = messages.at(-1)?.clientId;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lastKey, messages.length]);

  // The conversation says there is a newer message than the thread holds (a missed event, a
  // reconnect): fetch the newest page.
  const lastSeq = conversation.lastMessage?.seq ?? 0;
  const sentMax = messages.reduce((m, x) => (!x.pending && x.seq > m ? x.seq : m), 0);
  const caughtUpTo = useRef(0);
  useEffect(() => {
    if (!thread.loaded || loading || lastSeq <= sentMax || caughtUpTo.current >= lastSeq) return;
    caughtUpTo.current = lastSeq;
    void load();
  }, [thread.loaded, loading, lastSeq, sentMax, load]);

  // Mark read as messages arrive while the thread is open.
  const maxSeq = messages.reduce((m, x) => (!x.pending && x.seq > m ? x.seq : m), 0);
  const myLastRead = conversation.participants.find((p) => p.userId === me)?.lastReadSeq ?? 0;
  const marked = useRef(0);
  useEffect(() => {
    marked.current = 0;
  }, [conversationId]);
  useEffect(() => {
    if (maxSeq === 0 || maxSeq <= marked.current) return;
    if (maxSeq <= myLastRead && conversation.unread === 0) return;
    marked.current = maxSeq;
    consoleApi.markRead({ conversationId, seq: maxSeq }).catch((e: unknown) => {
      marked.current = 0;
      console.warn('markRead', e);
    });
  }, [conversationId, maxSeq, myLastRead, conversation.unread]);

  const others = conversation.participants.filter((p) => p.userId !== me);
  /** Read by someone other than its author: for the operator's own messages, "read by others". */
  const isRead = (m: ThreadMessage) =>
    !m.pending &&
    conversation.participants.some((p) => p.userId !== m.senderId && p.lastReadSeq >= m.seq);

  return (
    <section
      className="thread"
      aria-labelledby="thread-title"
      data-testid="thread"
      data-conversation-id={conversationId}
    >
      <header className="thread-header">
        <div>
          <h2 id="thread-title">{conversationTitle(conversation, me)}</h2>
          <div className="thread-people">
            {others.map((p) => (
              <span key={p.userId} className="conv-person">
                <PresenceDot userId={p.userId} name={p.name} /> {p.name}
                <span className="muted small"> · {p.role}</span>
              </span>
            ))}
          </div>
        </div>
        <AboutChip conversation={conversation} />
        <ManageConversation key={conversation.id} conversation={conversation} />
      </header>
      <div
        className="thread-scroll"
        ref={scrollRef}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        <div className="thread-top">
          {thread.hasMore ? (
            <button
              type="button"
              className="button ghost small"
              data-testid="load-older"
              onClick={loadOlder}
              disabled={loading}
            >
              {loading ? 'Loading…' : 'Load earlier messages'}
            </button>
          ) : (
            thread.loaded && <span className="muted small">Beginning of the conversation</span>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
        {messages.length === 0 && thread.loaded && <Empty>No messages yet. Say hello.</Empty>}
        <ol className="message-list" aria-label="Messages" aria-live="polite">
          {messages.map((m, i) => {
            const prev = messages[i - 1];
            return (
              <MessageItem
                key={m.clientId}
                message={m}
                mine={m.senderId === me}
                read={isRead(m)}
                showSender={!prev || prev.senderId !== m.senderId}
              />
            );
          })}
        </ol>
      </div>
      <TypingIndicator conversationId={conversationId} />
      <Composer key={conversationId} conversationId={conversationId} />
    </section>
  );
}

export function MessagesView({ conversationId }: { conversationId: string | null }) {
  const conversations = useConsole((s) => s.conversations);
  const me = useConsole((s) => s.user?.id);
  const sorted = useMemo(
    () =>
      // The inbox is the conversations this user takes part in: one they were removed from
      // still arrives once (its update says so) and leaves the list then, live.
      [...conversations.values()]
        .filter((c) => c.participants.some((p) => p.userId === me))
        .sort((a, b) => lastActivity(b) - lastActivity(a) || a.title.localeCompare(b.title)),
    [conversations, me],
  );
  const active = conversationId ? conversations.get(conversationId) : undefined;

  return (
    <section className="messages-view" aria-labelledby="messages-title">
      <aside className="conversations" aria-labelledby="messages-title">
        <h1 id="messages-title">Messages</h1>
        <NewConversationButton />
        <WaitingSection />
        {sorted.length === 0 ? (
          <Empty>No conversations yet.</Empty>
        ) : (
          <ul className="conversation-list">
            {sorted.map((c) => (
              <ConversationItem
                key={c.id}
                conversation={c}
                active={c.id === conversationId}
                me={me}
              />
            ))}
          </ul>
        )}
      </aside>
      {active ? (
        <ThreadView key={active.id} conversation={active} />
      ) : (
        <div className="thread thread-empty">
          <Empty>
            {conversationId ? 'This conversation is not available.' : 'Pick a conversation.'}
          </Empty>
        </div>
      )}
    </section>
  );
}
