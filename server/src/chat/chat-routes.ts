/**
 * REST for chat and notifications (JSON, bearer token; mounted under /api):
 *
 *   GET    /users                                  who you may start a conversation with
 *   GET    /conversations[?scope=all]              yours (staff: all), last message + your unread
 *   POST   /conversations                          {kind, title?, participantIds, screenId?}
 *   GET    /conversations/:id
 *   PATCH  /conversations/:id                      {title}           (staff; participants of a group)
 *   POST   /conversations/:id/participants         {userId}          (operators, admins)
 *   DELETE /conversations/:id/participants/:userId                   (operators, admins; or yourself)
 *   GET    /conversations/:id/messages?beforeSeq=&limit=             history, paged backwards
 *   POST   /conversations/:id/messages             {clientId, body}  same path as socket sendMessage
 *   POST   /conversations/:id/read                 {seq}             same as socket markRead
 *   GET    /notifications?before=&limit=&unread=1
 *   POST   /notifications/:id/read
 *   POST   /notifications/read-all
 *   POST   /announcements                          {title, body}     (admins)
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import type { User } from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { listUsers } from '../auth/users';
import { parseBody, requireRole, route, userOf } from '../http/middleware';
import { isStaff, requireReadable } from './access';
import {
  addParticipant,
  createConversation,
  removeParticipant,
  updateConversation,
  type ConversationDeps,
} from './conversations';
import { listConversations, loadViews, personalize } from './conversations-repo';
import type { MessageService } from './messages';
import type { NotificationService } from './notifications';
import type { PresenceTracker } from './presence';
import { markRead } from './read-markers';
import {
  AddParticipantRequest,
  AnnouncementRequest,
  CreateConversationRequest,
  HistoryQuery,
  MarkReadRequest,
  NotificationsQuery,
  PostMessageRequest,
  UpdateConversationRequest,
} from './schemas';

export interface ChatRouteDeps extends ConversationDeps {
  knex: Knex;
  messages: MessageService;
  notifications: NotificationService;
  presence: PresenceTracker;
}

const param = (value: unknown): string => String(value);

export function chatRoutes(deps: ChatRouteDeps): Router {
  const { knex, messages, notifications, presence } = deps;
  const router = Router();
  // Everything here is JSON; message bodies are plain text inside it, never markup.
  router.use(
    ['/users', '/conversations', '/notifications', '/announcements'],
    (_req, res, next) => {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      next();
    },
  );

  router.get(
    '/users',
    route(async (_req, res) => {
      const me = userOf(res);
      const all = await listUsers(knex);
      // Staff may talk to anybody; an advertiser to the operations team.
      const allowed = all.filter((u: User) => u.id !== me.id && (isStaff(me) || isStaff(u)));
      res.json({ users: allowed.map((u) => ({ ...u, status: presence.status(u.id) })) });
    }),
  );

  router.get(
    '/conversations',
    route(async (req, res) => {
      const me = userOf(res);
      res.json({ conversations: await listConversations(knex, me, req.query.scope === 'all') });
    }),
  );

  router.post(
    '/conversations',
    route(async (req, res) => {
      const body = parseBody(CreateConversationRequest, req.body);
      const { conversation, created } = await createConversation(deps, userOf(res), body);
      res.status(created ? 201 : 200).json({ conversation });
    }),
  );

  router.get(
    '/conversations/:id',
    route(async (req, res) => {
      const me = userOf(res);
      const { conversation } = await requireReadable(knex, me, param(req.params.id));
      const [view] = await loadViews(knex, [conversation]);
      res.json({ conversation: personalize(view!, me.id) });
    }),
  );

  router.patch(
    '/conversations/:id',
    route(async (req, res) => {
      const body = parseBody(UpdateConversationRequest, req.body);
      res.json({
        conversation: await updateConversation(deps, userOf(res), param(req.params.id), body),
      });
    }),
  );

  router.post(
    '/conversations/:id/participants',
    route(async (req, res) => {
      const { userId } = parseBody(AddParticipantRequest, req.body);
      res.json({
        conversation: await addParticipant(deps, userOf(res), param(req.params.id), userId),
      });
    }),
  );

  router.delete(
    '/conversations/:id/participants/:userId',
    route(async (req, res) => {
      const conversation = await removeParticipant(
        deps,
        userOf(res),
        param(req.params.id),
        param(req.params.userId),
      );
      res.json({ conversation });
    }),
  );

  router.get(
    '/conversations/:id/messages',
    route(async (req, res) => {
      const q = parseBody(HistoryQuery, req.query);
      res.json(await messages.history(userOf(res), param(req.params.id), q));
    }),
  );

  router.post(
    '/conversations/:id/messages',
    route(async (req, res) => {
      const body = parseBody(PostMessageRequest, req.body);
      const { message, created } = await messages.send(userOf(res), {
        ...body,
        conversationId: param(req.params.id),
      });
      res.status(created ? 201 : 200).json({ message });
    }),
  );

  router.post(
    '/conversations/:id/read',
    route(async (req, res) => {
      const { seq } = parseBody(MarkReadRequest, req.body);
      res.json(await markRead(deps, userOf(res), param(req.params.id), seq));
    }),
  );

  router.get(
    '/notifications',
    route(async (req, res) => {
      const q = parseBody(NotificationsQuery, req.query);
      res.json(
        await notifications.list(userOf(res), {
          before: q.before,
          limit: q.limit,
          unreadOnly: q.unread === '1' || q.unread === 'true',
        }),
      );
    }),
  );

  router.post(
    '/notifications/read-all',
    route(async (_req, res) => {
      res.json({ marked: await notifications.markAllRead(userOf(res)) });
    }),
  );

  router.post(
    '/notifications/:id/read',
    route(async (req, res) => {
      res.json({ notification: await notifications.markRead(userOf(res), param(req.params.id)) });
    }),
  );

  router.post(
    '/announcements',
    requireRole('admin'),
    route(async (req, res) => {
      const { title, body } = parseBody(AnnouncementRequest, req.body);
      const delivered = await notifications.announce(title, body);
      // After the delivery's own transaction (the notifier commits it): recorded once sent.
      await recordAudit(knex, {
        actor: userOf(res),
        action: 'announcement.sent',
        targetType: 'announcement',
        targetId: delivered[0]?.notification.id ?? null,
        summary: `Announced "${title}" to ${delivered.length} people`,
        details: { title, body, notified: delivered.length },
      });
      res.status(201).json({ notified: delivered.length });
    }),
  );

  return router;
}
