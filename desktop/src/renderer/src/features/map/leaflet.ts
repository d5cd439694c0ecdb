/**
 * Leaflet and markercluster, bundled (no CDN): their CSS comes in through Vite like ours, and the
 * map uses only divIcons, so Leaflet's marker images are never asked for. markercluster extends
 * the global `L` that Leaflet's UMD build sets, so Leaflet must be evaluated first: this module
 * is the one place both are imported, in that order.
 */
import L from 'leaflet';
import 'leaflet.markercluster';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';

export default L;
