export { ScreenshotsPanel } from './ScreenshotsPanel';
export { ScreenshotSchedulesView } from './ScreenshotSchedulesView';
