// Great-circle distances and the latency estimate. The model (documented in docs/sim.md):
//   - every AS sits at its registration country's centroid (coarse: a continent-spanning AS is one point);
//   - a packet follows the AS path, hopping between those points, and the last leg goes to the site itself;
//     an AS of unknown country takes the location of the next AS downstream, so it adds no distance;
//   - RTT = 2 × path distance / 200 km/ms (light in fibre ≈ 2/3 c) + 1 ms per AS hop (queues, routers, the
//     detour of real fibre that the straight line misses). An estimate for comparing sites, not a measurement.
export const EARTH_RADIUS_KM = 6371.0088;
export const FIBRE_KM_PER_MS = 200;
export const PER_HOP_MS = 1;

export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(s)));
}

export function rttMs(km: number, asHops: number): number {
  return (2 * km) / FIBRE_KM_PER_MS + PER_HOP_MS * asHops;
}
