/**
 * A Leaflet tile layer whose tiles come through the console API (`fetchMapTile`, fetched by the
 * core) as data: URLs, so the renderer itself never loads from the tile server and its CSP stays
 * `img-src 'self' data:`. A tile that fails stays empty; the bundled base map shows through.
 */
import { consoleApi } from '../../../console-api-client';
import L from './leaflet';

export class ProxiedTileLayer extends L.TileLayer {
  private readonly template: string;

  constructor(template: string, options: L.TileLayerOptions) {
    super('', options);
    this.template = template;
  }

  override createTile(coords: L.Coords, done: L.DoneCallback): HTMLElement {
    const img = document.createElement('img');
    img.alt = '';
    img.setAttribute('role', 'presentation');
    consoleApi
      .fetchMapTile({ template: this.template, z: coords.z, x: coords.x, y: coords.y })
      .then(
        ({ dataUrl }) => {
          img.onload = () => done(undefined, img);
          img.onerror = () => done(new Error('the tile is not an image'), img);
          img.src = dataUrl;
        },
        (err: unknown) => done(err instanceof Error ? err : new Error(String(err)), img),
      );
    return img;
  }
}
