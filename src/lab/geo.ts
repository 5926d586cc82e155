// Geography for the reports (pure): great-circle distance (haversine, mean Earth radius 6371 km) and the
// geographically nearest site — shown beside the one routing chose, because routing is not geography.

import type { Coords } from './topology/types.js';

export function distanceKm(a: Coords, b: Coords): number {
  const r = Math.PI / 180;
  const dLat = (b.lat - a.lat) * r;
  const dLon = (b.lon - a.lon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function nearest<T extends { coords?: Coords }>(from: Coords | undefined, candidates: T[]): { item: T; km: number } | null {
  if (!from) return null;
  let best: { item: T; km: number } | null = null;
  for (const c of candidates) {
    if (!c.coords) continue;
    const d = distanceKm(from, c.coords);
    if (!best || d < best.km) best = { item: c, km: d };
  }
  return best;
}
