// Small YAML builders for the speaker tests: one speaker on the in-memory network, listening on its address.
export interface NeighborDef {
  name: string;
  address: string;
  as: number;
  local: string;
  extra?: string;
}

export function speakerYaml(o: { id: string; as: number; addr: string; neighbors: NeighborDef[]; extra?: string }): string {
  const ns = o.neighbors.map((n) =>
    `  - { name: ${n.name}, address: "${n.address}", remote-as: ${n.as}, local-address: "${n.local}", idle-hold-time: 1, connect-retry-time: 2${n.extra ? `, ${n.extra}` : ''} }`);
  return `router-id: ${o.id}
local-as: ${o.as}
listen: ["${o.addr.includes(':') ? `[${o.addr}]` : o.addr}:179"]
${o.extra ?? ''}
neighbors:
${ns.join('\n')}
`;
}
