/**
 * Files in chat (issue 12) in the thread: the composer's attach button and the files picked
 * (`useComposerFiles`), and a message's attachments (previews for images, a download for
 * every file). The bytes go to the console core with the message and wait in its outbox
 * while offline (desktop/README.md "Outbox with files"); files come back from the server as
 * data URLs (`getAttachment`), which the renderer's CSP allows for images.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  ATTACHMENT_MAX_BYTES_DEFAULT,
  MAX_ATTACHMENTS_PER_MESSAGE,
  isPreviewable,
  type AttachmentRef,
} from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';

export interface PickedFile {
  fileName: string;
  dataBase64: string;
  bytes: number;
}

const size = (n: number) =>
  n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(n / 1024))} KB`;

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** The files picked for the next message, and what went wrong picking them. */
export function useComposerFiles() {
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const add = useCallback(async (list: FileList | null) => {
    setError(null);
    for (const file of Array.from(list ?? [])) {
      if (file.size > ATTACHMENT_MAX_BYTES_DEFAULT) {
        setError(
          `"${file.name}" is larger than ${size(ATTACHMENT_MAX_BYTES_DEFAULT)}, the most a file may be.`,
        );
        continue;
      }
      const dataBase64 = await readBase64(file);
      setFiles((f) =>
        f.length >= MAX_ATTACHMENTS_PER_MESSAGE
          ? f
          : [...f, { fileName: file.name, dataBase64, bytes: file.size }],
      );
    }
  }, []);
  const remove = (i: number) => setFiles((f) => f.filter((_, k) => k !== i));
  const clear = () => setFiles([]);
  /** Puts a file back after the send failed. */
  const restore = (file: PickedFile) => setFiles((f) => [...f, file]);
  return { files, error, add, remove, clear, restore };
}

/** The attach button (a hidden file input) and the files picked so far. */
export function AttachButton({
  files,
  onPick,
  onRemove,
  error,
}: {
  files: PickedFile[];
  onPick: (list: FileList | null) => Promise<void>;
  onRemove: (i: number) => void;
  error: string | null;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        className="sr-only-input"
        data-testid="composer-file"
        aria-label="Attach files"
        accept="image/png,image/jpeg,image/webp,image/gif,application/pdf,video/mp4,text/plain,.txt"
        onChange={(e) => {
          void onPick(e.target.files).finally(() => {
            if (input.current) input.current.value = '';
          });
        }}
      />
      <button
        type="button"
        className="button ghost"
        data-testid="composer-attach"
        title="Attach a creative, a brief, a photo or a screenshot"
        onClick={() => input.current?.click()}
      >
        Attach
      </button>
      {(files.length > 0 || error) && (
        <div className="attach-list" data-testid="composer-files">
          {files.map((f, i) => (
            <span key={`${f.fileName}-${i}`} className="chip" data-testid="composer-file-chip">
              {f.fileName} · {size(f.bytes)}
              <button
                type="button"
                className="button ghost small"
                aria-label={`Remove ${f.fileName}`}
                onClick={() => onRemove(i)}
              >
                ×
              </button>
            </span>
          ))}
          {error && (
            <span className="form-error" role="alert">
              {error}
            </span>
          )}
        </div>
      )}
    </>
  );
}

function Attachment({ attachment }: { attachment: AttachmentRef }) {
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pending = attachment.id.startsWith('pending_');
  const image = isPreviewable(attachment.mime);
  useEffect(() => {
    if (pending || attachment.removed || !image) return;
    let live = true;
    consoleApi
      .getAttachment({ attachmentId: attachment.id, thumb: true })
      .then((r) => live && setPreview(r.dataUrl))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [attachment.id, attachment.removed, pending, image]);

  const download = async () => {
    setError(null);
    try {
      const { dataUrl } = await consoleApi.getAttachment({ attachmentId: attachment.id });
      const a = document.createElement('a');
      a.href = dataUrl;
      a.download = attachment.fileName;
      a.click();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (attachment.removed)
    return (
      <div className="attachment-file muted" data-testid="attachment-removed">
        {attachment.fileName}: attachment removed by retention
      </div>
    );
  return (
    <div className="attachment" data-testid="attachment" data-attachment-id={attachment.id}>
      {preview && (
        <img
          className="attachment-preview"
          src={preview}
          alt={attachment.fileName}
          data-testid="attachment-preview"
        />
      )}
      <div className="attachment-file">
        <span>
          {attachment.fileName} · {size(attachment.bytes)}
        </span>
        {pending ? (
          <span className="muted small">waits to be sent</span>
        ) : (
          <button
            type="button"
            className="button ghost small"
            data-testid="attachment-download"
            onClick={() => void download()}
          >
            Download
          </button>
        )}
      </div>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** Under a message's text. */
export function MessageAttachments({ attachments }: { attachments?: AttachmentRef[] }) {
  if (!attachments?.length) return null;
  return (
    <div className="message-attachments">
      {attachments.map((a) => (
        <Attachment key={a.id} attachment={a} />
      ))}
    </div>
  );
}
