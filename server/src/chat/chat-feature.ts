/**
 * Chat, presence and notifications as one server feature: socket events (sendMessage,
 * markRead, typing, setPresence), the `conversation` room policy, REST routes, its share of
 * `sync`, and presence through the connection hooks. Other features reach it through
 * `notifier` (alarms → operators, screen status → advertisers) and `advertiserScreens`
 * (which screens an advertiser may see: those their conversations are about).
 */
import type { User } from '../../../protocol';
import type { Feature, ServerContext } from '../context';
import type { RoomPolicy } from '../realtime/rooms';
import { canRead, requireParticipant } from './access';
import { createAttachments, type Attachments } from './attachments';
import { ChatEvents, type ConversationUpdateListener } from './chat-events';
import { chatRoutes } from './chat-routes';
import { conversationsInWindow, screensOfParticipant } from './conversations-repo';
import { MessageService } from './messages';
import { NotificationService, type Notifier } from './notifications';
import { PresenceTracker } from './presence';
import { markRead } from './read-markers';
import { TypingRelay } from './typing';

export interface ChatFeature extends Feature {
  notifier: Notifier;
  /** For app.ts: `roomPolicies.conversation`. Participants and staff may join. */
  roomPolicy: RoomPolicy;
  /** For createFleetFeature: the screens an advertiser's conversations are about. */
  advertiserScreens(userId: string): Promise<Set<string>>;
  /** For the fleet: conversation updates, from which screen access follows. */
  onConversationUpdate(listener: ConversationUpdateListener): void;
  presence: PresenceTracker;
  typing: TypingRelay;
  messages: MessageService;
  notifications: NotificationService;
  /** Files in chat; app.ts mounts `attachments.uploadRoutes()` before the session check. */
  attachments: Attachments;
  /** Binds who-sees-which-screen (admin-users, created after chat) for advertisers' new conversations. */
  useVisibleScreens(visibleScreens: (userId: string) => Promise<Set<string>>): void;
}

export function createChatFeature(ctx: ServerContext): ChatFeature {
  const { knex, io } = ctx;
  const updateListeners: ConversationUpdateListener[] = [];
  const events = new ChatEvents(io, (view, userIds) => {
    for (const listener of updateListeners) listener(view, userIds);
  });
  const presence = new PresenceTracker(io);
  const typing = new TypingRelay(io, (user: User, conversationId: string) =>
    requireParticipant(knex, user, conversationId),
  );
  const notifications = new NotificationService(knex, events);
  const messages = new MessageService({
    knex,
    io,
    events,
    notifications,
    onSent: (userId, conversationId) => typing.clear(userId, conversationId),
  });
  const deps: Parameters<typeof chatRoutes>[0] = {
    knex,
    io,
    events,
    typing,
    messages,
    notifications,
    presence,
  };
  const attachments = createAttachments(ctx);

  ctx.metrics.gauge(
    'marquee_users_online',
    'Users with at least one console connected to this node',
    () => presence.onlineCount,
  );

  return {
    name: 'chat',
    notifier: notifications,
    notifications,
    presence,
    typing,
    messages,
    attachments,
    roomPolicy: (user, id) => canRead(knex, user, id),
    advertiserScreens: (userId) => screensOfParticipant(knex, userId),
    onConversationUpdate: (listener) => void updateListeners.push(listener),
    useVisibleScreens: (visibleScreens) => void (deps.visibleScreens = visibleScreens),

    registerSocketEvents(router) {
      router.on('sendMessage', async ({ user }, req) => (await messages.send(user, req)).message);
      router.on('markRead', ({ user }, { conversationId, seq }) =>
        markRead(deps, user, conversationId, seq),
      );
      router.on('markNotificationRead', ({ user }, { notificationId }) =>
        notifications.markRead(user, notificationId),
      );
      router.on('typing', async ({ socket, user }, { conversationId, isTyping }) => {
        await typing.handle(socket.id, user, conversationId, isTyping);
        return null;
      });
      router.on('setPresence', ({ socket }, { status }) => ({
        status: presence.set(socket, status),
      }));
    },

    registerRoutes(router) {
      // Before chatRoutes: `/conversations/waiting` is not a conversation id.
      router.use(attachments.readRoutes());
      router.use(chatRoutes(deps));
    },

    async sync(user, from, to) {
      const [conversations, msgs, notes] = await Promise.all([
        conversationsInWindow(knex, user.id, from, to),
        messages.inWindow(user.id, from, to),
        notifications.inWindow(user.id, from, to),
      ]);
      return {
        conversations,
        messages: msgs,
        notifications: notes,
        // Presence is not in the change log: every answer carries the current snapshot.
        presence: presence.snapshot(user),
        onlineCount: presence.onlineCount,
      };
    },

    onConnect(socket) {
      presence.connect(socket);
    },

    onDisconnect(socket) {
      typing.clearSocket(socket.id);
      presence.disconnect(socket);
    },

    start() {
      attachments.start();
    },

    stop() {
      attachments.stop();
      typing.stop();
    },
  };
}
