/** Commands at scale on the fleet wall (issue 11): what Fleet.tsx renders. */
export { BulkBar } from './BulkBar';
export { SelectBox } from './SelectBox';
