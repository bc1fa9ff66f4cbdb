/* CBOR read with cbor-x the way cbor2 reads it on the server (payload.py: cbor2.loads).
 *
 * Only a damaged or hand-made code ever notices the difference, but the page must then give
 * the server's verdict too. So: the first item is read and bytes after it are ignored; text
 * that is not UTF-8 is refused; simple values are read; the tags cbor2 understands are checked
 * as cbor2 checks them; the tags only cbor-x gives a meaning to stay plain tags.
 */
import { Decoder, Tag, addExtension, setExtractor } from "cbor-x/decode.js";

export { Tag };

export class CborError extends Error {}

class SimpleValue {
  constructor(value) {
    this.value = value;
  }
}

// A stand-in for cbor-x's packed-value tables, so its packing tags yield no string or array.
const NOT_PACKED = Object.freeze({
  [Symbol.toPrimitive]() {
    throw new CborError("packed value");
  },
});
const packedTable = new Proxy([], { get: () => NOT_PACKED });
const SIMPLE_VALUES = Object.assign(
  Array.from({ length: 256 }, (_, value) => new SimpleValue(value)),
  { prefixes: packedTable, suffixes: packedTable },
);

// cbor2 refuses text that is not UTF-8, where cbor-x would put U+FFFD in its place.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
setExtractor((position, end, length, source) => UTF8.decode(source.subarray(position, position + length)));

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false, sharedValues: SIMPLE_VALUES });

const isBytes = (value) => value instanceof Uint8Array;
/* An integer as cbor2 reads it (Python's bool is one too). cbor-x reads integers of up to 32
 * bits as numbers and longer ones as BigInts, so an integral number beyond 32 bits was a float. */
export const isInteger = (value) =>
  typeof value === "bigint" || typeof value === "boolean"
  || (Number.isInteger(value) && value >= -(2 ** 32) && value < 2 ** 32);
const isNumber = (value) => isInteger(value) || (typeof value === "number" && Number.isFinite(value));

function validDate(year, month, day) {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year >= 1 && day >= 1 && day <= days;
}

// cbor2's pattern for tag 0; the values must also make a Python datetime.
const DATETIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6})\d*)?(?:Z|([+-])(\d\d):(\d\d))$/;

function datetimeString(value) {
  const match = typeof value === "string" && DATETIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const offset = match[8] ? Number(match[9]) * 60 + Number(match[10]) : 0;
  return validDate(year, month, day) && hour < 24 && minute < 60 && second < 60 && offset < 1440;
}

// datetime.fromtimestamp's range: years 1 to 9999.
const epochSeconds = (value) =>
  isNumber(value) && value >= -62135596800 && value < 253402300800;
// date.fromordinal's range, counted in days from 1970-01-01.
const epochDays = (value) => isInteger(value) && value >= -719162 && value <= 2932896;

function isoDate(value) {
  const match = typeof value === "string" && /^(\d{4})-(\d\d)-(\d\d)$/.exec(value);
  return Boolean(match) && validDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

function bignum(value) {
  let number = 0n;
  for (const byte of value) number = (number << 8n) | BigInt(byte);
  return number;
}

// What cbor2 accepts inside each tag it understands (payloads where it raises are unreadable).
const CBOR2_TAGS = {
  0: datetimeString,
  1: epochSeconds,
  4: (v) => Array.isArray(v) && v.length === 2 && isInteger(v[0]) && isNumber(v[1]),
  5: (v) => Array.isArray(v) && v.length === 2 && isInteger(v[0]) && isInteger(v[1]),
  25: () => false, // a string reference outside any namespace
  30: (v) => Array.isArray(v) && v.length === 2 && isInteger(v[0]) && isInteger(v[1]) && v[1] != 0, // eslint-disable-line eqeqeq
  35: (v) => typeof v === "string" || isBytes(v),
  36: (v) => typeof v === "string",
  37: (v) => isBytes(v) && v.length === 16,
  100: epochDays,
  260: (v) => isBytes(v) && [4, 6, 16].includes(v.length),
  261: (v) => v instanceof Map && v.size === 1,
  1004: isoDate,
  43000: (v) => Array.isArray(v) && v.length === 2 && v.every(isNumber),
};

const refused = (tag) => {
  throw new CborError(`tag ${tag}`);
};

for (const [key, accepts] of Object.entries(CBOR2_TAGS)) {
  const tag = Number(key);
  addExtension({ tag, decode: (value) => (accepts(value) ? new Tag(value, tag) : refused(tag)) });
}
addExtension({ tag: 2, decode: (value) => (isBytes(value) ? bignum(value) : refused(2)) });
addExtension({ tag: 3, decode: (value) => (isBytes(value) ? -1n - bignum(value) : refused(3)) });
addExtension({ tag: 258, decode: (value) => (Array.isArray(value) ? new Set(value) : refused(258)) });
for (const tag of [256, 55799]) addExtension({ tag, decode: (value) => value });
// Tags cbor2 knows nothing of, to which cbor-x gives a meaning: plain tags, as cbor2 reads them.
const PLAIN = [6, 14, 15, 27, 51, 105, 259];
for (let tag = 64; tag <= 87; tag++) PLAIN.push(tag);
for (let tag = 216; tag <= 255; tag++) PLAIN.push(tag);
for (let tag = 27647; tag <= 32767; tag++) PLAIN.push(tag);
for (const tag of PLAIN) addExtension({ tag, decode: (value) => new Tag(value, tag) });

// cbor2.loads(data): the first item; what follows it is not read.
export function cborLoads(data) {
  let first;
  let found = false;
  try {
    decoder.decodeMultiple(data, (value) => {
      first = value;
      found = true;
      return false;
    });
  } catch {
    throw new CborError("cbor");
  }
  if (!found) throw new CborError("cbor");
  return first;
}
