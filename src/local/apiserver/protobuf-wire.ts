import type { JsonObject, JsonValue } from './json.js';

/**
 * A schema-driven protobuf (proto2) decoder into the JSON shape the Kubernetes JSON codec produces. Only what
 * kubectl's typed clients send is modelled; fields not in a schema are skipped, as an older server would.
 */
export type FieldType =
  | 'string'
  | 'bytes' // rendered base64, as []byte is in JSON
  | 'int32'
  | 'int64'
  | 'bool'
  | 'time' // metav1.Time {seconds, nanos} → RFC 3339
  | 'intOrString'
  | 'mapStringString'
  | 'mapStringBytes'
  | { readonly message: string };

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly repeated?: boolean;
  /** An embedded Go struct whose fields JSON inlines into the parent (IngressRule's IngressRuleValue). */
  readonly inline?: boolean;
  /**
   * A pointer field in Go: present on the wire only when set, so a zero value is meaningful. Other scalar
   * fields are always on the wire and their zero values are dropped, as JSON's omitempty would.
   */
  readonly pointer?: boolean;
}

export type MessageSchema = Readonly<Record<number, FieldSpec>>;
export type SchemaSet = Readonly<Record<string, MessageSchema>>;

export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

interface Field {
  readonly number: number;
  readonly wireType: number;
  readonly varint?: bigint;
  readonly bytes?: Uint8Array;
}

export function readFields(buffer: Uint8Array): Field[] {
  const fields: Field[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (offset >= buffer.length) throw new ProtobufError('truncated varint');
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const key = Number(varint());
    const number = key >>> 3;
    const wireType = key & 7;
    switch (wireType) {
      case 0:
        fields.push({ number, wireType, varint: varint() });
        break;
      case 1:
        offset += 8;
        break;
      case 2: {
        const length = Number(varint());
        if (offset + length > buffer.length) throw new ProtobufError('truncated field');
        fields.push({ number, wireType, bytes: buffer.subarray(offset, offset + length) });
        offset += length;
        break;
      }
      case 5:
        offset += 4;
        break;
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

function signed64(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}

function decodeTime(bytes: Uint8Array): string {
  let seconds = 0;
  for (const field of readFields(bytes))
    if (field.number === 1 && field.varint !== undefined) seconds = signed64(field.varint);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

function decodeIntOrString(bytes: Uint8Array): JsonValue {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  for (const field of readFields(bytes)) {
    if (field.number === 1) type = Number(field.varint ?? 0n);
    if (field.number === 2) intVal = signed64(field.varint ?? 0n);
    if (field.number === 3) strVal = text(field.bytes);
  }
  return type === 1 ? strVal : intVal;
}

function decodeMapEntry(bytes: Uint8Array, valueAsBytes: boolean): [string, string] {
  let key = '';
  let value = '';
  for (const field of readFields(bytes)) {
    if (field.number === 1) key = text(field.bytes);
    if (field.number === 2)
      value = valueAsBytes ? Buffer.from(field.bytes ?? []).toString('base64') : text(field.bytes);
  }
  return [key, value];
}

function decodeValue(field: Field, spec: FieldSpec, schemas: SchemaSet): JsonValue {
  const type = spec.type;
  if (typeof type === 'object') return decodeMessage(field.bytes ?? new Uint8Array(), type.message, schemas);
  switch (type) {
    case 'string':
      return text(field.bytes);
    case 'bytes':
      return Buffer.from(field.bytes ?? []).toString('base64');
    case 'int32':
    case 'int64':
      return signed64(field.varint ?? 0n);
    case 'bool':
      return (field.varint ?? 0n) !== 0n;
    case 'time':
      return decodeTime(field.bytes ?? new Uint8Array());
    case 'intOrString':
      return decodeIntOrString(field.bytes ?? new Uint8Array());
    default:
      throw new ProtobufError(`field ${spec.name}: map handled by caller`);
  }
}

export function decodeMessage(bytes: Uint8Array, messageName: string, schemas: SchemaSet): JsonObject {
  const schema = schemas[messageName];
  if (!schema) throw new ProtobufError(`no schema for ${messageName}`);
  const result: JsonObject = {};
  for (const field of readFields(bytes)) {
    const spec = schema[field.number];
    if (!spec) continue;
    if (spec.type === 'mapStringString' || spec.type === 'mapStringBytes') {
      const [key, value] = decodeMapEntry(field.bytes ?? new Uint8Array(), spec.type === 'mapStringBytes');
      const existing = result[spec.name];
      const map: JsonObject = isObject(existing) ? existing : {};
      map[key] = value;
      result[spec.name] = map;
      continue;
    }
    const value = decodeValue(field, spec, schemas);
    if (!spec.repeated && !spec.pointer && isZero(value)) continue;
    if (spec.inline && isObject(value)) {
      Object.assign(result, value);
      continue;
    }
    if (spec.repeated) {
      const existing = result[spec.name];
      result[spec.name] = [...(Array.isArray(existing) ? existing : []), value];
    } else {
      result[spec.name] = value;
    }
  }
  return result;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isZero(value: JsonValue): boolean {
  return value === '' || value === 0 || value === false || value === EPOCH;
}

const EPOCH = '1970-01-01T00:00:00Z';
