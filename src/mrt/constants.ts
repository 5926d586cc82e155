// MRT type and subtype codes (RFC 6396 §4, §5; RFC 8050 §4-§5 add-path subtypes) and their names.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           Timestamp                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |             Type              |            Subtype            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                             Length                            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                      Message... (variable)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   The _ET types (RFC 6396 §3) insert a 4-octet Microsecond Timestamp before the message; Length counts it.

export const MRT_HEADER_LENGTH = 12;

/** Record types (RFC 6396 §4). */
export const MRT = {
  TABLE_DUMP: 12, TABLE_DUMP_V2: 13, BGP4MP: 16, BGP4MP_ET: 17, ISIS: 32, ISIS_ET: 33, OSPFV3: 48, OSPFV3_ET: 49,
} as const;

/** Types whose header carries the Microsecond Timestamp (RFC 6396 §3). */
export function isExtendedTimestampType(type: number): boolean {
  return type === MRT.BGP4MP_ET || type === MRT.ISIS_ET || type === MRT.OSPFV3_ET;
}

/** TABLE_DUMP_V2 subtypes (RFC 6396 §4.3, RFC 8050 §4). */
export const TD2 = {
  PEER_INDEX_TABLE: 1, RIB_IPV4_UNICAST: 2, RIB_IPV4_MULTICAST: 3, RIB_IPV6_UNICAST: 4, RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6, GEO_PEER_TABLE: 7, RIB_IPV4_UNICAST_ADDPATH: 8, RIB_IPV4_MULTICAST_ADDPATH: 9,
  RIB_IPV6_UNICAST_ADDPATH: 10, RIB_IPV6_MULTICAST_ADDPATH: 11, RIB_GENERIC_ADDPATH: 12,
} as const;

/** BGP4MP / BGP4MP_ET subtypes (RFC 6396 §4.4, RFC 8050 §5). */
export const BGP4MP = {
  STATE_CHANGE: 0, MESSAGE: 1, MESSAGE_AS4: 4, STATE_CHANGE_AS4: 5, MESSAGE_LOCAL: 6, MESSAGE_AS4_LOCAL: 7,
  MESSAGE_ADDPATH: 8, MESSAGE_AS4_ADDPATH: 9, MESSAGE_LOCAL_ADDPATH: 10, MESSAGE_AS4_LOCAL_ADDPATH: 11,
} as const;

/** TABLE_DUMP (v1) subtypes are the AFI of the prefix (RFC 6396 §4.2). */
export const TD1 = { AFI_IPV4: 1, AFI_IPV6: 2 } as const;

/** PEER_INDEX_TABLE Peer Type bits (RFC 6396 §4.3.1). */
export const PEER_TYPE_IPV6 = 0x01, PEER_TYPE_AS4 = 0x02;

/** BGP FSM states as numbered in BGP4MP_STATE_CHANGE (RFC 6396 §4.4.1). */
export const BGP_STATE_NAMES: Readonly<Record<number, string>> = {
  1: 'Idle', 2: 'Connect', 3: 'Active', 4: 'OpenSent', 5: 'OpenConfirm', 6: 'Established',
};

const TYPE_NAMES: Readonly<Record<number, string>> = {
  11: 'OSPFv2', 12: 'TABLE_DUMP', 13: 'TABLE_DUMP_V2', 16: 'BGP4MP', 17: 'BGP4MP_ET', 32: 'ISIS', 33: 'ISIS_ET',
  48: 'OSPFv3', 49: 'OSPFv3_ET',
};

const SUBTYPE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  12: { 1: 'AFI_IPv4', 2: 'AFI_IPv6' },
  13: Object.fromEntries(Object.entries(TD2).map(([k, v]) => [v, k])),
  16: Object.fromEntries(Object.entries(BGP4MP).map(([k, v]) => [v, k])),
  17: Object.fromEntries(Object.entries(BGP4MP).map(([k, v]) => [v, k])),
};

/** "TABLE_DUMP_V2", or "type-99" for a type without a name. */
export function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `type-${type}`;
}

/** "RIB_IPV4_UNICAST", or "subtype-99". */
export function subtypeName(type: number, subtype: number): string {
  return SUBTYPE_NAMES[type]?.[subtype] ?? `subtype-${subtype}`;
}

/** The family and add-path flag of an AFI/SAFI-specific RIB subtype (2-5, 8-11), or null. */
export function ribSubtypeFamily(subtype: number): { afi: number; safi: number; addPath: boolean } | null {
  switch (subtype) {
    case TD2.RIB_IPV4_UNICAST: return { afi: 1, safi: 1, addPath: false };
    case TD2.RIB_IPV4_MULTICAST: return { afi: 1, safi: 2, addPath: false };
    case TD2.RIB_IPV6_UNICAST: return { afi: 2, safi: 1, addPath: false };
    case TD2.RIB_IPV6_MULTICAST: return { afi: 2, safi: 2, addPath: false };
    case TD2.RIB_IPV4_UNICAST_ADDPATH: return { afi: 1, safi: 1, addPath: true };
    case TD2.RIB_IPV4_MULTICAST_ADDPATH: return { afi: 1, safi: 2, addPath: true };
    case TD2.RIB_IPV6_UNICAST_ADDPATH: return { afi: 2, safi: 1, addPath: true };
    case TD2.RIB_IPV6_MULTICAST_ADDPATH: return { afi: 2, safi: 2, addPath: true };
    default: return null;
  }
}

/** The RIB subtype for a family (afi 1/2, safi 1/2) with or without add-path. */
export function ribSubtypeOf(afi: number, safi: number, addPath: boolean): number {
  const base = afi === 2 ? (safi === 2 ? TD2.RIB_IPV6_MULTICAST : TD2.RIB_IPV6_UNICAST)
    : (safi === 2 ? TD2.RIB_IPV4_MULTICAST : TD2.RIB_IPV4_UNICAST);
  return addPath ? base + 6 : base;
}

/** What a BGP4MP message subtype says: 4-octet ASes, sent by the local system, add-path NLRI (RFC 8050 §5). */
export function messageSubtypeFlags(subtype: number): { as4: boolean; local: boolean; addPath: boolean } | null {
  switch (subtype) {
    case BGP4MP.MESSAGE: return { as4: false, local: false, addPath: false };
    case BGP4MP.MESSAGE_AS4: return { as4: true, local: false, addPath: false };
    case BGP4MP.MESSAGE_LOCAL: return { as4: false, local: true, addPath: false };
    case BGP4MP.MESSAGE_AS4_LOCAL: return { as4: true, local: true, addPath: false };
    case BGP4MP.MESSAGE_ADDPATH: return { as4: false, local: false, addPath: true };
    case BGP4MP.MESSAGE_AS4_ADDPATH: return { as4: true, local: false, addPath: true };
    case BGP4MP.MESSAGE_LOCAL_ADDPATH: return { as4: false, local: true, addPath: true };
    case BGP4MP.MESSAGE_AS4_LOCAL_ADDPATH: return { as4: true, local: true, addPath: true };
    default: return null;
  }
}

/** The message subtype for a combination of flags (inverse of messageSubtypeFlags). */
export function messageSubtypeOf(f: { as4: boolean; local: boolean; addPath: boolean }): number {
  if (f.addPath) return f.local ? (f.as4 ? 11 : 10) : (f.as4 ? 9 : 8);
  return f.local ? (f.as4 ? 7 : 6) : (f.as4 ? 4 : 1);
}
