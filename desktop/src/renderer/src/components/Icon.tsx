/** A few line icons, inline SVG (no icon font, nothing fetched). */
export type IconName =
  | 'grid'
  | 'list'
  | 'bell'
  | 'chat'
  | 'inbox'
  | 'pulse'
  | 'gear'
  | 'search'
  | 'close'
  | 'thermo'
  | 'play'
  | 'screen'
  | 'back'
  | 'send'
  | 'map';

const paths: Record<IconName, string> = {
  grid: 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z',
  list: 'M4 6h16M4 12h16M4 18h16',
  bell: 'M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0',
  chat: 'M4 5h16v11H9l-5 4z',
  inbox: 'M4 13l2-8h12l2 8v6H4zM4 13h5l1 2h4l1-2h5',
  pulse: 'M3 12h4l2-6 4 12 2-6h6',
  gear: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2',
  search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM21 21l-5-5',
  close: 'M6 6l12 12M18 6L6 18',
  thermo: 'M10 4a2 2 0 0 1 4 0v10a4 4 0 1 1-4 0z',
  play: 'M7 5l12 7-12 7z',
  screen: 'M3 5h18v12H3zM8 21h8M12 17v4',
  back: 'M15 5l-7 7 7 7',
  send: 'M4 12l16-8-6 16-2-6z',
  map: 'M3 6l6-2 6 2 6-2v14l-6 2-6-2-6 2zM9 4v14M15 6v14',
};

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={paths[name]} />
    </svg>
  );
}
