// The RIB's route-attribute model, in three files by role: attrs-model.ts (Attrs, its parts and input types),
// attr-store.ts (the interning store) and attrs-view.ts (back to plain values and JSON). This module re-exports
// them, so that `import { AttrStore, Attrs, attrsToJSON } from './attrs.js'` keeps working.

export {
  Attrs, OpaqueList, ORIGIN_EGP, ORIGIN_IGP, ORIGIN_INCOMPLETE, ORIGIN_NAMES, parseId,
  type AttrFields, type AttrsInput, type AttrsPatch, type OpaqueAttr, type OriginName,
} from './attrs-model.js';
export { AttrStore, type StoreStats } from './attr-store.js';
export { attrsToInput, attrsToJSON, type AttrsJSON, type AttrsValues } from './attrs-view.js';
