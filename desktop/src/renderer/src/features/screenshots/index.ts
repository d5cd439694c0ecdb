export { ScreenshotsPanel } from './ScreenshotsPanel';
