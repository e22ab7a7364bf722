export type { DAPEvent, DAPMessage, DAPRequest, DAPResponse, EncodedMessage, Payload } from './types.js';
export { encodeMessage, joinParts } from './encode.js';
export { decodeFrame, type DecodeOptions, type DecodeResult } from './decode.js';
export { validateMessage, type ValidationResult } from './validate.js';
