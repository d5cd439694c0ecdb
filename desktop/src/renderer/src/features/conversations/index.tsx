/** Conversation workflows (issue 11): what the views render. */
import { href } from '../../state/router';
import { Icon } from '../../components/Icon';

export { NewConversationView } from './NewConversation';
export { ManageConversation } from './ManageConversation';
export { AnnouncementForm } from './Announcement';
export { AboutChip, ScreenConversations, WaitingBadge, WaitingSection } from './chat-work';
export { AttachButton, MessageAttachments, useComposerFiles } from './ComposerAttachments';

/** On a screen's detail: start a conversation about it (advertisers too, for screens they see). */
export function StartConversationLink({ screenId }: { screenId: string }) {
  return (
    <a
      className="chip link"
      href={href.newConversation(screenId)}
      data-testid="start-conversation-about-screen"
    >
      <Icon name="chat" size={12} /> Message about this screen
    </a>
  );
}

/** Above the inbox. */
export function NewConversationButton() {
  return (
    <a className="button small" href={href.newConversation()} data-testid="new-conversation">
      New conversation
    </a>
  );
}
