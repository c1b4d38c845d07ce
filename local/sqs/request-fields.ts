/**
 * Typed, checked reading of an SQS JSON request: each accessor refuses a field of the wrong
 * JSON type with `SerializationException` and a missing required one with `MissingParameter`,
 * as SQS does, so the operation table in `protocol.ts` reads as the API.
 */
import { SqsInvalidParameterValueError, SqsMissingParameterError, SqsSerializationError, SqsUnsupportedOperationError } from './errors';
import type { MessageAttributes, MessageAttributeValue } from './messages';

export type JsonObject = Record<string, unknown>;

/** Typed, checked access to the fields of a JSON request object. */
export class Fields {
  /**
   * @param textual the query protocol: every value arrives as text, so integers are parsed from
   *   decimal strings (and one that is not an integer is `InvalidParameterValue`, not a
   *   serialization error).
   */
  constructor(
    private readonly body: JsonObject,
    private readonly textual = false,
  ) {}

  string(name: string): string {
    const value = this.optString(name);
    if (value === undefined || value === '') throw new SqsMissingParameterError(name);
    return value;
  }

  optString(name: string): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new SqsSerializationError(`${name} must be a string.`);
    return value;
  }

  int(name: string): number {
    const value = this.optInt(name);
    if (value === undefined) throw new SqsMissingParameterError(name);
    return value;
  }

  optInt(name: string): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (this.textual && typeof value === 'string') {
      if (!/^[+-]?\d{1,15}$/.test(value.trim())) throw new SqsInvalidParameterValueError(`Value ${value} for parameter ${name} is invalid. Reason: Must be an integer.`);
      return Number(value.trim());
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new SqsSerializationError(`${name} must be an integer.`);
    return value;
  }

  stringList(name: string): string[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new SqsSerializationError(`${name} must be a list of strings.`);
    return value;
  }

  stringMap(name: string): Record<string, string> | undefined {
    const value = this.object(name);
    if (value === undefined) return undefined;
    for (const [key, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw new SqsSerializationError(`${name}.${key} must be a string.`);
    }
    return value as Record<string, string>;
  }

  object(name: string): JsonObject | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw new SqsSerializationError(`${name} must be an object.`);
    return value as JsonObject;
  }

  objectList(name: string): Fields[] | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v))) {
      throw new SqsSerializationError(`${name} must be a list of objects.`);
    }
    return value.map((v) => new Fields(v, this.textual));
  }

  /** A `MessageAttributes`-shaped map: `{ name: { DataType, StringValue | BinaryValue (base64) } }`. */
  messageAttributes(name: string): MessageAttributes | undefined {
    const map = this.object(name);
    if (map === undefined) return undefined;
    const out: Record<string, MessageAttributeValue> = {};
    for (const [key, raw] of Object.entries(map)) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SqsSerializationError(`${name}.${key} must be an object.`);
      const value = new Fields(raw as JsonObject, this.textual);
      if ((value.stringList('StringListValues') ?? []).length > 0 || (value.stringList('BinaryListValues') ?? []).length > 0) {
        throw new SqsUnsupportedOperationError(`${name}.${key}: StringListValues and BinaryListValues are reserved by SQS and not implemented.`);
      }
      const stringValue = value.optString('StringValue');
      const binaryValue = value.optString('BinaryValue');
      out[key] = {
        dataType: value.string('DataType'),
        ...(stringValue !== undefined ? { stringValue } : {}),
        ...(binaryValue !== undefined ? { binaryValue: Buffer.from(binaryValue, 'base64') } : {}),
      };
    }
    return out;
  }
}
