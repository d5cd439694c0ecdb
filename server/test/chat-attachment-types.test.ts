/**
 * What may be attached is decided by the file's first bytes (protocol/attachments.ts), never
 * by its name or the sender's Content-Type; text only for a .txt name.
 */
import { describe, expect, it } from 'vitest';
import { attachmentMimeOf } from '../../protocol';

const box = (brand: string) =>
  Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftyp${brand}`)]);

describe('attachment types by their bytes', () => {
  it('takes the allowed kinds', () => {
    expect(attachmentMimeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'x.bin')).toBe('image/jpeg');
    expect(attachmentMimeOf(Buffer.from('GIF89a....'), 'a.gif')).toBe('image/gif');
    expect(attachmentMimeOf(Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'a.webp')).toBe('image/webp');
    expect(attachmentMimeOf(Buffer.from('%PDF-1.7'), 'brief')).toBe('application/pdf');
    expect(attachmentMimeOf(box('isom'), 'spot.mp4')).toBe('video/mp4');
    expect(attachmentMimeOf(Buffer.from('Brief: 30 s spot, ümlauts ok'), 'brief.TXT')).toBe(
      'text/plain',
    );
  });

  it('refuses the rest, whatever the name says', () => {
    expect(attachmentMimeOf(box('heic'), 'photo.mp4')).toBeNull();
    expect(attachmentMimeOf(Buffer.from('<html><script></script>'), 'creative.png')).toBeNull();
    expect(
      attachmentMimeOf(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.svg'),
    ).toBeNull();
    expect(attachmentMimeOf(Buffer.from([0x68, 0x69, 0x00]), 'nul.txt')).toBeNull();
    expect(attachmentMimeOf(Buffer.from([0xc3, 0x28]), 'bad-utf8.txt')).toBeNull();
    expect(attachmentMimeOf(Buffer.from('MZ\x90\x00'), 'setup.exe')).toBeNull();
  });
});
