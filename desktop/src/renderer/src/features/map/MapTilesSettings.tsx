/** Settings → Map: the optional tile server (tile-source.ts). Not lazy: it holds no Leaflet. */
import { useState } from 'react';
import { useSelector } from '../../state/create-store';
import { mapTiles, setTileTemplate } from './tile-source';

export function MapTilesSettings() {
  const saved = useSelector(mapTiles, (t) => t.template);
  const [draft, setDraft] = useState(saved);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const save = (value: string) => {
    const problem = setTileTemplate(value);
    setError(problem);
    setDone(!problem);
    if (!problem) setDraft(value.trim());
  };

  return (
    <section className="panel" aria-labelledby="map-tiles-title">
      <h2 id="map-tiles-title">Map</h2>
      <p className="muted">
        The map draws a built-in world map and needs no internet. To show streets, give the address
        of a tile server this workstation may use; its tiles are fetched by the console, never by
        the page.
      </p>
      <form
        className="map-tiles-form"
        onSubmit={(e) => {
          e.preventDefault();
          save(draft);
        }}
      >
        <label className="field">
          <span>Tile server</span>
          <input
            type="text"
            inputMode="url"
            spellCheck={false}
            data-testid="map-tiles-input"
            placeholder="https://tiles.example.org/{z}/{x}/{y}.png"
            value={draft}
            onChange={(e) => (setDraft(e.target.value), setDone(false))}
          />
        </label>
        <button type="submit" className="button small" data-testid="map-tiles-save">
          Save
        </button>
        {saved && (
          <button
            type="button"
            className="button ghost small"
            data-testid="map-tiles-clear"
            onClick={() => save('')}
          >
            Use the built-in map only
          </button>
        )}
      </form>
      {error && (
        <p className="form-error" role="alert" data-testid="map-tiles-error">
          {error}
        </p>
      )}
      {done && !error && (
        <p className="muted" role="status" data-testid="map-tiles-saved">
          {saved ? 'Saved: the map adds these tiles.' : 'Saved: the built-in map only.'}
        </p>
      )}
    </section>
  );
}
