/**
 * An uploaded image checked and brought to size: it must be a PNG or JPEG by its first bytes
 * (never by what the sender says), decodable, and is scaled down (never up) to fit `maxSide`
 * pixels, keeping its format. sharp refuses a picture of more than `MAX_INPUT_PIXELS` before
 * decoding it (a small file can claim a huge size).
 */
import sharp from 'sharp';
import { imageMimeOf, type ScreenshotMime } from '../../../protocol';
import { UploadRefused } from './upload-route';

const MAX_INPUT_PIXELS = 8192 * 8192;

export interface ScaledImage {
  data: Buffer;
  mime: ScreenshotMime;
  width: number;
  height: number;
}

export async function scaleImage(body: Buffer, maxSide: number): Promise<ScaledImage> {
  const mime = imageMimeOf(body.subarray(0, 8));
  if (!mime)
    throw new UploadRefused(415, 'bad_request', 'A screenshot must be a PNG or JPEG image.');
  let pipeline = sharp(body, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).resize({
    width: maxSide,
    height: maxSide,
    fit: 'inside',
    withoutEnlargement: true,
  });
  pipeline =
    mime === 'image/png'
      ? pipeline.png({ compressionLevel: 6 })
      : pipeline.jpeg({ quality: 82, mozjpeg: false });
  try {
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    return { data, mime, width: info.width, height: info.height };
  } catch (err) {
    throw new UploadRefused(
      400,
      'bad_request',
      `The ${mime === 'image/png' ? 'PNG' : 'JPEG'} could not be read: ${(err as Error).message}.`,
    );
  }
}
