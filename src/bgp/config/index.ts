// The speaker's configuration: strict YAML loading (load.ts), the checked model (types.ts), defaults in one
// place (defaults.ts), and what a reload changes (diff.ts). See docs/speaker.md for the format.
export * from './types.js';
export { loadSpeakerConfig, parseSpeakerConfig, parseNetwork, checkedPrefix } from './load.js';
export { SPEAKER_DEFAULTS, ROUTING_DEFAULTS, BGP_PORT, defaultSocketPath } from './defaults.js';
