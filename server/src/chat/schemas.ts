/**
 * REST request shapes of the chat routes (server-side; socket requests are in
 * protocol/socket.ts). Candidates to move to protocol/rest.ts when the console calls them.
 */
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH, ScreenId, requests } from '../../../protocol';

const id = z.string().min(1).max(64);

export const CreateConversationRequest = z
  .object({
    kind: z.enum(['direct', 'group']),
    title: z.string().trim().min(1).max(200).optional(),
    /** The other participants; the creator is always one. */
    participantIds: z.array(id).min(1).max(100),
    screenId: ScreenId.optional(),
  })
  .strict();
export type CreateConversationRequest = z.infer<typeof CreateConversationRequest>;

export const AddParticipantRequest = z.object({ userId: id }).strict();

/** The socket's sendMessage without the conversation id (it is in the path). */
export const PostMessageRequest = requests.sendMessage.omit({ conversationId: true });

export const MarkReadRequest = z.object({ seq: z.number().int().nonnegative() }).strict();

export const HistoryQuery = z.object({
  beforeSeq: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const NotificationsQuery = z.object({
  before: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  unread: z.enum(['0', '1', 'true', 'false']).optional(),
});

export const AnnouncementRequest = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(MAX_MESSAGE_LENGTH),
  })
  .strict();
