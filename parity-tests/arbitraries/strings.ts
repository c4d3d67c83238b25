/**
 * Strings that break JS-to-Rust conversion: any Unicode (astral, combining, RTL), lone surrogates,
 * embedded NUL, long strings; and the well-formed ones a contract accepts.
 */
import fc from 'fast-check';

/** Code points worth a dedicated draw: each one has broken some string conversion somewhere. */
export const TRICKY_CHARACTERS = [
  '\0', // ends a C string
  '\u0001',
  '\u001f',
  '"',
  '\\',
  '/',
  '\u007f',
  '\u0080',
  '\u00e9', // é precomposed
  'e\u0301', // é combining
  '\u00ad', // soft hyphen
  '\u200b', // zero width space
  '\u200d', // zero width joiner
  '\u200e', // LRM
  '\u200f', // RLM
  '\u202e', // RLO: right-to-left override
  '\u2028', // line separator (not allowed raw in old JS string literals)
  '\u2029', // paragraph separator
  '\ufeff', // BOM
  '\ufffd', // replacement character
  '\uffff', // noncharacter
  '\u05e9\u05dc\u05d5\u05dd', // Hebrew (RTL)
  '\u0645\u0631\u062d\u0628\u0627', // Arabic (RTL)
  '\u6771\u4eac', // 東京
  '\u{1f600}', // astral: emoji (a surrogate pair in JS)
  '\u{1f469}\u200d\u{1f4bb}', // ZWJ sequence
  '\u{1f1fa}\u{1f1f8}', // flag: regional indicators
  '\u{10ffff}', // last code point
  '\u{1d11e}', // musical symbol G clef (astral)
  'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d', // zalgo: stacked combining marks
] as const;

/** A lone surrogate: a high half without its low half, a low half alone, or a reversed pair. */
export const loneSurrogate: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdbff }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0xdc00, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
  fc.constant('\udc00\ud800'),
);

/**
 * Any Unicode scalar value (every code point but the surrogates), astral planes included. (fast-check's
 * own `unit: 'binary'` does the same but takes seconds to build its tables.)
 */
export const anyCodePoint: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 0x7f }), weight: 2 },
  { arbitrary: fc.integer({ min: 0x80, max: 0xffff }).filter((cp) => cp < 0xd800 || cp > 0xdfff), weight: 2 },
  { arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }), weight: 1 },
).map((cp) => String.fromCodePoint(cp));

/** Well-formed text: any code point (astral included), combining sequences, RTL, specials. */
export const unicodeString = (constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.string({ unit: 'grapheme-ascii', ...constraints }), weight: 3 },
    { arbitrary: fc.string({ unit: anyCodePoint, ...constraints }), weight: 3 },
    { arbitrary: fc.string({ unit: 'grapheme', ...constraints }), weight: 2 },
    {
      arbitrary: fc
        .array(fc.oneof(fc.constantFrom(...TRICKY_CHARACTERS), fc.string({ unit: 'grapheme-ascii', maxLength: 3 })), {
          maxLength: constraints.maxLength ?? 8,
        })
        .map((parts) => parts.join(''))
        .filter((s) => s.length >= (constraints.minLength ?? 0)),
      weight: 2,
    },
  );

/** A long string (10 k – 200 k UTF-16 units), built by repetition so generation stays cheap. */
export const longString: fc.Arbitrary<string> = fc
  .tuple(unicodeString({ minLength: 1, maxLength: 12 }), fc.integer({ min: 10_000, max: 200_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length))
  // Slicing may cut a surrogate pair in half: keep the string well-formed.
  .map((s) => (/[\ud800-\udbff]$/.test(s) ? s.slice(0, -1) : s));

/** Inserts `insert` into `base` at a position chosen by `at`. */
function insertAt(base: string, insert: string, at: number): string {
  const index = base.length === 0 ? 0 : at % (base.length + 1);
  return base.slice(0, index) + insert + base.slice(index);
}

/** Text with a lone surrogate somewhere in it. */
export const stringWithLoneSurrogate: fc.Arbitrary<string> = fc
  .tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 6 }), loneSurrogate, fc.nat())
  .map(([base, lone, at]) => insertAt(base, lone, at))
  // Inserting next to another half could complete a pair; the result must stay ill-formed.
  .filter((s) => /\p{Cs}/u.test(s));

/** Text with an embedded NUL. */
export const stringWithNul: fc.Arbitrary<string> = fc
  .tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 6 }), fc.nat())
  .map(([base, at]) => insertAt(base, '\0', at));

/**
 * Any string at all: mostly well-formed Unicode, sometimes a lone surrogate, an embedded NUL, or
 * a long string. What a string argument of the contract must survive.
 */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: unicodeString({ maxLength: 24 }), weight: 12 },
  { arbitrary: stringWithLoneSurrogate, weight: 2 },
  { arbitrary: stringWithNul, weight: 2 },
  { arbitrary: fc.constantFrom('', ' ', '\t\n', 'null', 'undefined', '{}', '[]', '0'), weight: 2 },
  { arbitrary: longString, weight: 1 },
);

/** A well-formed, NUL-free string: what the contract accepts everywhere. */
export const acceptableString = (maxLength = 24): fc.Arbitrary<string> =>
  unicodeString({ maxLength }).filter((s) => !s.includes('\0'));

/**
 * Object keys that matter to JavaScript or to the bridges: prototype names, `__proto__`, numeric
 * keys (ordered first by JS), the empty key, NUL, and any Unicode.
 */
export const PROTOTYPE_KEYS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'toJSON', 'then', 'prototype'] as const;
export const NUMERIC_KEYS = ['0', '1', '10', '01', '-1', '1.5', '1e3', '4294967295', '4294967296', '9007199254740993'] as const;

/** A key a plain object may carry as data (no `__proto__`, no lone surrogate). */
export const acceptableKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 8 }), weight: 10 },
  { arbitrary: unicodeString({ maxLength: 6 }), weight: 3 },
  { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 2 },
  { arbitrary: fc.constantFrom(...NUMERIC_KEYS), weight: 2 },
  { arbitrary: fc.constantFrom('', ' ', 'a\0b', '\u{1f600}', 'k\u202e'), weight: 1 },
);
