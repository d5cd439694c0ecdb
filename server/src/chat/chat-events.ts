/**
 * Broadcasts, the seed's "WebSocket manager" (emitNewMessage & co.): the socket handlers and
 * the REST routes both call these after their transaction commits, so an event never
 * announces something `sync` cannot return yet, and a message posted over REST reaches
 * consoles exactly like one sent over the socket.
 *
 * Rooms: `conversation:{id}` holds the sockets viewing a conversation; `user:{id}` every
 * socket of one user. `io.to([...rooms])` delivers once per socket even when a socket is in
 * several of the rooms.
 */
import type { Message, Notification } from '../../../protocol';
import type { MarqueeServer } from '../realtime/socket-router';
import { personalize, type ConversationView } from './conversations-repo';

export const conversationRoom = (id: string): string => `conversation:${id}`;
export const userRoom = (id: string): string => `user:${id}`;

/** Told of every conversation update (who may see which screen follows conversations). */
export type ConversationUpdateListener = (view: ConversationView, userIds: string[]) => void;

export class ChatEvents {
  constructor(
    private readonly io: MarqueeServer,
    private readonly onUpdate?: ConversationUpdateListener,
  ) {}

  /** A new message, to everybody viewing its conversation. */
  emitNewMessage(message: Message): void {
    this.io.to(conversationRoom(message.conversationId)).emit('newMessage', message);
  }

  /** The conversation as each of `userIds` sees it (their own unread count), to their sockets. */
  emitConversationUpdate(view: ConversationView, userIds: Iterable<string>, mayRead = true): void {
    const ids = new Set(userIds);
    for (const userId of ids) {
      this.io.to(userRoom(userId)).emit('conversationUpdate', personalize(view, userId, mayRead));
    }
    this.onUpdate?.(view, [...ids]);
  }

  /** A read marker moved: to the conversation's viewers and to every participant's sockets. */
  emitMessageRead(
    read: { conversationId: string; userId: string; seq: number },
    participantIds: string[],
  ): void {
    this.io
      .to([conversationRoom(read.conversationId), ...participantIds.map(userRoom)])
      .emit('messageRead', read);
  }

  /** A new or changed notification (consoles upsert by id: a read one arrives with readAt). */
  emitNotification(userId: string, notification: Notification): void {
    this.io.to(userRoom(userId)).emit('notification', notification);
  }
}
