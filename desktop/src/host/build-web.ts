/** `npm run build:web`: the renderer for the browser host alone (electron-vite builds the same). */
import { buildRenderer } from './build-renderer';

buildRenderer().then(
  (out) => console.log(`renderer built in ${out}`),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
