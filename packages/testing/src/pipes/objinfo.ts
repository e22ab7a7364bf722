import { subprocessFailure } from '../failure.js';
import { NAMESPACE_URL, uuid4, uuid5 } from '../ids.js';

/** The `objinfo` keys copied onto the engine object; other keys are not. */
const WRITABLE = new Set([
  'name',
  'objectId',
  'size',
  'storeSize',
  'attrib',
  'keyId',
  'serviceId',
  'permissionId',
  'wordBatchId',
  'vectorBatchId',
  'createTime',
  'changeTime',
  'modifyTime',
  'accessTime',
]);

/** Read-only engine attributes: naming one makes `open` fail. */
const READ_ONLY = new Set([
  'path',
  'fileName',
  'uniqueName',
  'metadata',
  'response',
  'version',
  'instanceId',
  'componentId',
  'changeKey',
]);

export interface EngineObject {
  name: string;
  url: string;
  objectId: string;
  size?: number;
  [key: string]: unknown;
}

/** Builds the engine object from an `open` objinfo, filling the defaults the engine fills. */
export function toEngineObject(objinfo: Record<string, unknown>): EngineObject {
  for (const key of Object.keys(objinfo)) {
    if (READ_ONLY.has(key)) throw subprocessFailure(`property '${key}' of 'IEntry' object has no setter`, 118);
  }
  const name = typeof objinfo.name === 'string' && objinfo.name !== '' ? objinfo.name : uuid4();
  const url = `null://Stream/${name}`;
  const obj: EngineObject = { name, url, objectId: uuid5(NAMESPACE_URL, url) };
  for (const [key, value] of Object.entries(objinfo)) {
    if (WRITABLE.has(key) && key !== 'name') obj[key] = value;
  }
  return obj;
}
