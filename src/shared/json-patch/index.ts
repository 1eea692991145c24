// RFC 6902 JSON Patch and the JSON values it works on, for the engine's peers and the Studio's renderer
// alike (browser-safe): one diff, one applier, one pointer syntax.
export { DEFAULT_MAX_DEPTH, textDepth, valueDepth } from './json-depth';
export { cloneJson, isPlainObject, type JsonValue, jsonEqual } from './json-value';
export {
  applyPatch,
  checkPatchShape,
  DEFAULT_MAX_COPIED_VALUES,
  DEFAULT_MAX_PATCH_OPERATIONS,
  diff,
  type Patch,
  type PatchLimits,
  type PatchOperation,
} from './patch';
export { escapePointerToken, formatPointer, parsePointer, unescapePointerToken } from './pointer';
