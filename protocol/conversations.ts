/**
 * REST shapes of the console's conversation workflows (issue 11): open a conversation,
 * rename it, manage its participants, send an announcement. The server validates with these
 * and the console checks the same rules before it calls, so both say the same sentence.
 */
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from './socket';
import { ScreenId } from './domain';
import { ConversationAbout } from './attachments';

const userId = z.string().min(1).max(64);

/**
 * Decision: a conversation holds at most 50 people, its creator included.
 * A chat between more is a broadcast: that is what announcements are for.
 */
export const MAX_CONVERSATION_PARTICIPANTS = 50;
export const MAX_CONVERSATION_TITLE = 200;

export const ConversationTitle = z
  .string()
  .trim()
  .min(1, 'give the conversation a title')
  .max(MAX_CONVERSATION_TITLE, `a title is at most ${MAX_CONVERSATION_TITLE} characters`);

export const CreateConversationRequest = z
  .object({
    kind: z.enum(['direct', 'group']),
    title: ConversationTitle.optional(),
    /** The other participants; the creator is always one. */
    participantIds: z
      .array(userId)
      .min(1, 'pick at least one person to talk to')
      .max(
        MAX_CONVERSATION_PARTICIPANTS - 1,
        `a conversation has at most ${MAX_CONVERSATION_PARTICIPANTS} people, you included`,
      ),
    screenId: ScreenId.optional(),
    /** A screen, booking or campaign; a screen one is the same as `screenId`. */
    about: ConversationAbout.optional(),
  })
  .strict();
export type CreateConversationRequest = z.infer<typeof CreateConversationRequest>;

/** `PATCH /api/conversations/:id`. */
export const UpdateConversationRequest = z.object({ title: ConversationTitle }).strict();
export type UpdateConversationRequest = z.infer<typeof UpdateConversationRequest>;

export const AddParticipantRequest = z.object({ userId }).strict();

export const AnnouncementRequest = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'give the announcement a title')
      .max(200, 'an announcement title is at most 200 characters'),
    body: z
      .string()
      .trim()
      .min(1, 'write what the announcement says')
      .max(MAX_MESSAGE_LENGTH, `an announcement is at most ${MAX_MESSAGE_LENGTH} characters`),
  })
  .strict();
export type AnnouncementRequest = z.infer<typeof AnnouncementRequest>;
