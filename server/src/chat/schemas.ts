/**
 * REST request shapes of the chat routes (server-side; socket requests are in
 * protocol/socket.ts). Candidates to move to protocol/rest.ts when the console calls them.
 */
import { z } from 'zod';
import { requests } from '../../../protocol';

const id = z.string().min(1).max(64);

// The console's conversation workflows share these with the server (protocol/conversations.ts).
export {
  AddParticipantRequest,
  AnnouncementRequest,
  CreateConversationRequest,
  UpdateConversationRequest,
} from '../../../protocol';

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
