/**
 * A screen's screenshots for the panel: the list from the server, the selected image (the
 * latest unless one was picked), and a reload whenever a screenshot command of this screen
 * succeeds (its result arrives through the change log like every command's).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ScreenshotMeta } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';

export interface ShownImage {
  id: string;
  capturedAt: number;
  dataUrl: string;
}

export function useScreenshots(screenId: string) {
  const [list, setList] = useState<ScreenshotMeta[] | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [image, setImage] = useState<ShownImage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const commands = useConsole((s) => s.commands);
  // Changes when a screenshot of this screen has been taken (or scheduled and taken).
  const lastTaken = useMemo(() => {
    let last = 0;
    for (const c of commands.values())
      if (c.screenId === screenId && c.type === 'screenshot' && c.status === 'succeeded')
        last = Math.max(last, c.updatedAt);
    return last;
  }, [commands, screenId]);

  const reload = useCallback(async () => {
    try {
      const res = await consoleApi.listScreenshots({ screenId });
      setList(res.screenshots);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [screenId]);

  useEffect(() => {
    void reload();
  }, [reload, lastTaken]);

  const shownId = picked ?? list?.[0]?.id ?? null;
  useEffect(() => {
    if (!shownId) return;
    let current = true;
    consoleApi.getScreenshot({ screenId, shotId: shownId }).then(
      (img) => current && setImage(img),
      (e: unknown) => current && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
  }, [screenId, shownId]);

  return {
    list,
    image: image && image.id === shownId ? image : null,
    shownId,
    pick: setPicked,
    error,
    reload,
  };
}
