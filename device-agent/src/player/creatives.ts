/** Campaigns and creatives a simulated screen rotates through: believable, not random noise. */
import type { Content } from '../../../protocol';

type Creative = Omit<Content, 'since'>;

const CATALOG: readonly Creative[] = [
  {
    campaignId: 'cmp-nordic-air',
    creativeId: 'cr-na-summer-15s',
    title: 'Nordic Air — Summer fares',
  },
  {
    campaignId: 'cmp-nordic-air',
    creativeId: 'cr-na-lounge-10s',
    title: 'Nordic Air — Lounge access',
  },
  {
    campaignId: 'cmp-brewhouse',
    creativeId: 'cr-bh-coldbrew-10s',
    title: 'Brewhouse — Cold brew is back',
  },
  { campaignId: 'cmp-brewhouse', creativeId: 'cr-bh-app-15s', title: 'Brewhouse — Order ahead' },
  {
    campaignId: 'cmp-volt-mobility',
    creativeId: 'cr-vm-ev-20s',
    title: 'Volt — Charge in 18 minutes',
  },
  {
    campaignId: 'cmp-city-museum',
    creativeId: 'cr-cm-expo-15s',
    title: 'City Museum — New exhibition',
  },
  {
    campaignId: 'cmp-freshmart',
    creativeId: 'cr-fm-weekly-10s',
    title: 'FreshMart — Weekly deals',
  },
  {
    campaignId: 'cmp-freshmart',
    creativeId: 'cr-fm-delivery-15s',
    title: 'FreshMart — Free delivery',
  },
  {
    campaignId: 'cmp-streamly',
    creativeId: 'cr-st-series-20s',
    title: 'Streamly — Season 3 premiere',
  },
  {
    campaignId: 'cmp-house',
    creativeId: 'cr-house-filler-10s',
    title: 'Advertise here — Marquee Media',
  },
];

/** A playlist of 4–7 creatives, always ending with the house filler. */
export function pickPlaylist(random: () => number = Math.random): Creative[] {
  const pool = CATALOG.filter((c) => c.campaignId !== 'cmp-house');
  const size = 3 + Math.floor(random() * 4);
  const picked: Creative[] = [];
  while (picked.length < size && pool.length > 0) {
    picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  }
  picked.push(CATALOG[CATALOG.length - 1]!);
  return picked;
}
