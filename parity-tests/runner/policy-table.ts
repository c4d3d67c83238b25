/**
 * The conversion-policy table: every edge of JS → Rust conversion where the two bridges would
 * behave differently (or where the contract pins a behaviour down anyway), what each bridge does
 * on its own, and the contract's ONE behaviour.
 *
 * This is data: docs/conversion-policy.md shows it (a test keeps the two in sync),
 * `reports/parity.md` shows it with what this run observed, and
 * parity-tests/parity/conversion-policy.test.ts checks every row on both backends.
 * The `napi`/`koffi` columns describe the bridges without the contract's rules (minimal policy,
 * raw calls); the test observes them again on every run and the report prints what it saw.
 */

export type PolicyArea = 'free-form JSON' | 'string argument' | 'string field' | 'structured field' | 'result';

export type Resolution =
  /** The contract answers INVALID_REQUEST before either bridge is called. */
  | 'reject'
  /** The contract converts the value to one form before either bridge is called. */
  | 'normalise'
  /** Both bridges already agree; the contract takes the value as it is (the row pins that down). */
  | 'accept'
  /** Not part of the contract: deep equality does not look at it. */
  | 'not compared';

export interface PolicyRow {
  /** Stable id (for free-form JSON rows, the key of `VALUE_EDGES` in parity-tests/arbitraries). */
  readonly id: string;
  readonly area: PolicyArea;
  /** What the caller passes. */
  readonly input: string;
  /** The smallest input that shows it (what fast-check shrinks to), as code. */
  readonly example: string;
  /** napi-rs on its own. */
  readonly napi: string;
  /** koffi + the C ABI on its own (`JSON.stringify`, C strings, serde_json). */
  readonly koffi: string;
  /** Whether the bridges differ without the contract's rule. */
  readonly diverged: boolean;
  readonly resolution: Resolution;
  /** The contract's behaviour, on both backends. */
  readonly rule: string;
  /** Where the rule lives. */
  readonly enforcedBy: string;
}

const POLICY = 'src/json-policy.ts';
const VALIDATE = 'src/validate.ts';

/**
 * A free-form JSON value both bridges carry unchanged (`napi`/`koffi` say how where it is more
 * than plainly 'kept'): the contract accepts it as it is, and it reads back intact.
 */
function keptIntact(row: Pick<PolicyRow, 'id' | 'input' | 'example'> & Partial<Pick<PolicyRow, 'napi' | 'koffi'>>): PolicyRow {
  const { id, input, example, napi = 'kept', koffi = 'kept' } = row;
  return { id, area: 'free-form JSON', input, example, napi, koffi, diverged: false, resolution: 'accept', rule: 'kept, read back intact', enforcedBy: POLICY };
}

export const POLICY_TABLE: readonly PolicyRow[] = [
  // ------------------------------------------------------------------------------------------
  // Free-form JSON: contexts, results, cursors, accumulated results, options, log fields, …
  // ------------------------------------------------------------------------------------------
  {
    id: 'non-finite-number',
    area: 'free-form JSON',
    input: '`NaN`, `Infinity`, `-Infinity`',
    example: '{ context: { x: NaN } }',
    napi: 'throws `Failed to convert js number to serde_json::Number` (INTERNAL)',
    koffi: '`JSON.stringify` writes `null`; the task stores `null`',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is not JSON: got NaN (only finite numbers)`',
    enforcedBy: POLICY,
  },
  {
    id: 'undefined-in-array',
    area: 'free-form JSON',
    input: '`undefined` as an array item',
    example: '{ context: { a: [1, undefined] } }',
    napi: 'throws `undefined cannot be represented as a serde_json::Value` (INTERNAL)',
    koffi: '`JSON.stringify` writes `null`: `[1,null]`',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path>[i] is undefined; a JSON array cannot hold undefined (use null)`',
    enforcedBy: POLICY,
  },
  {
    id: 'array-hole',
    area: 'free-form JSON',
    input: 'a hole in a sparse array',
    example: '{ context: { a: [, 1] } }',
    napi: 'throws `undefined cannot be represented as a serde_json::Value` (INTERNAL)',
    koffi: '`JSON.stringify` writes `null`: `[null,1]`',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path>[i] is a hole in a sparse array; a JSON array cannot hold one (use null)`',
    enforcedBy: POLICY,
  },
  {
    id: 'undefined-member',
    area: 'free-form JSON',
    input: 'an object member whose value is `undefined`',
    example: '{ context: { a: undefined, b: 1 } }',
    napi: 'member left out',
    koffi: 'member left out (`JSON.stringify`)',
    diverged: false,
    resolution: 'accept',
    rule: 'the member is left out (as if the key were missing)',
    enforcedBy: POLICY,
  },
  {
    id: 'negative-zero',
    area: 'free-form JSON',
    input: '`-0`',
    example: '{ context: { x: -0 } }',
    napi: 'sent as the integer 0',
    koffi: '`JSON.stringify(-0)` is `0`',
    diverged: false,
    resolution: 'accept',
    rule: 'sent as `0` (JSON has no -0); results read back `0`',
    enforcedBy: POLICY,
  },
  {
    id: 'unsafe-integer',
    area: 'free-form JSON',
    input: 'numbers past 2^53 (`2**53 + 2`, `1e19`, `2**64`)',
    example: '{ context: { x: 9007199254740994 } }',
    napi: 'stored as an f64; read back as the same JS number',
    koffi: 'written in full by `JSON.stringify`, stored as u64/i64; read back as the same JS number',
    diverged: false,
    resolution: 'accept',
    rule: 'taken as the JS number it is (already rounded to a double by JS); read back identically. Integers that must stay exact travel as strings',
    enforcedBy: POLICY,
  },
  {
    id: 'float',
    area: 'free-form JSON',
    input: 'any finite double',
    example: '{ context: { x: 8.634467734909411e-41 } }',
    napi: 'the exact f64',
    koffi: 'before the fix: serde_json\'s default float parser was off by one ULP for ~43 % of random doubles (read back `8.63446773490941e-41`)',
    diverged: true,
    resolution: 'normalise',
    rule: 'every double arrives exactly as JS wrote it: serde_json\'s `float_roundtrip` parser (workspace Cargo.toml), so the JSON text path is exact too',
    enforcedBy: 'Cargo.toml (serde_json `float_roundtrip`)',
  },
  {
    id: 'bigint',
    area: 'free-form JSON',
    input: 'a `BigInt`',
    example: '{ context: { x: 1n } }',
    napi: 'converted to a number (or a string past u64); read back as a BigInt past 2^53',
    koffi: '`JSON.stringify` throws a TypeError (not a TaskerError)',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is not JSON: got bigint`',
    enforcedBy: POLICY,
  },
  {
    id: 'date',
    area: 'free-form JSON',
    input: 'a `Date`',
    example: '{ context: { at: new Date(0) } }',
    napi: 'sent as `{}` (the Date has no own properties)',
    koffi: 'sent as its ISO string (`Date.prototype.toJSON`)',
    diverged: true,
    resolution: 'normalise',
    rule: 'sent as `date.toISOString()` (what the legacy worker sent)',
    enforcedBy: POLICY,
  },
  {
    id: 'invalid-date',
    area: 'free-form JSON',
    input: 'an invalid `Date`',
    example: '{ context: { at: new Date(NaN) } }',
    napi: 'sent as `{}`',
    koffi: '`JSON.stringify` writes `null`',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is an invalid Date`',
    enforcedBy: POLICY,
  },
  {
    id: 'boxed-primitive',
    area: 'free-form JSON',
    input: '`new String()`, `new Number()`, `new Boolean()`',
    example: '{ context: { s: new String("a") } }',
    napi: 'sent as an object (`{"0":"a"}`, `{}`)',
    koffi: 'unboxed by `JSON.stringify` (`"a"`)',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is not JSON: got String (only plain objects and arrays)`',
    enforcedBy: POLICY,
  },
  {
    id: 'map-or-set',
    area: 'free-form JSON',
    input: 'a `Map` or `Set`',
    example: '{ context: { m: new Map([["a", 1]]) } }',
    napi: 'sent as `{}` (entries lost)',
    koffi: 'sent as `{}` (entries lost)',
    diverged: false,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is not JSON: got Map (only plain objects and arrays)`: both bridges would lose the entries silently',
    enforcedBy: POLICY,
  },
  {
    id: 'binary-data',
    area: 'free-form JSON',
    input: 'a typed array, `Buffer` or `ArrayBuffer`',
    example: '{ context: { b: Buffer.from([1]) } }',
    napi: 'a typed array becomes `{"0":1,…}`; a `Buffer` throws `JS functions cannot be represented as a serde_json::Value`',
    koffi: 'a typed array becomes `{"0":1,…}`; a `Buffer` becomes `{"type":"Buffer","data":[1]}` (`Buffer.prototype.toJSON`)',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is not JSON: got Buffer (only plain objects and arrays)`',
    enforcedBy: POLICY,
  },
  {
    id: 'class-instance',
    area: 'free-form JSON',
    input: 'an instance of a class',
    example: '{ context: { price: new Money(100) } }',
    napi: 'own enumerable fields (methods dropped)',
    koffi: 'own enumerable fields (methods dropped)',
    diverged: false,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is not JSON: got a Money instance (only plain objects and arrays)`: what survives depends on how the class is written',
    enforcedBy: POLICY,
  },
  {
    id: 'custom-prototype',
    area: 'free-form JSON',
    input: 'an object with enumerable inherited properties (`Object.create(proto)`)',
    example: '{ context: { o: Object.create({ inherited: 1 }) } }',
    napi: 'inherited enumerable properties are sent',
    koffi: 'only own properties are sent',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is not JSON: got an object with a custom prototype (only plain objects and arrays)`',
    enforcedBy: POLICY,
  },
  {
    id: 'null-prototype',
    area: 'free-form JSON',
    input: 'an object with a null prototype (`Object.create(null)`)',
    example: '{ context: Object.assign(Object.create(null), { a: 1 }) }',
    napi: 'own properties sent',
    koffi: 'own properties sent',
    diverged: false,
    resolution: 'accept',
    rule: 'a plain object; read back as an ordinary object',
    enforcedBy: POLICY,
  },
  {
    id: 'symbol-key',
    area: 'free-form JSON',
    input: 'a symbol-keyed property',
    example: '{ context: { [Symbol("s")]: 1 } }',
    napi: 'left out',
    koffi: 'left out',
    diverged: false,
    resolution: 'accept',
    rule: 'left out (JSON keys are strings)',
    enforcedBy: POLICY,
  },
  {
    id: 'non-enumerable',
    area: 'free-form JSON',
    input: 'a non-enumerable property',
    example: 'Object.defineProperty({}, "hidden", { value: 1 })',
    napi: 'left out',
    koffi: 'left out',
    diverged: false,
    resolution: 'accept',
    rule: 'left out (only own enumerable string keys are data)',
    enforcedBy: POLICY,
  },
  {
    id: 'getter',
    area: 'free-form JSON',
    input: 'an enumerable getter',
    example: '{ context: { get total() { return 3; } } }',
    napi: 'the getter is called; its value is sent',
    koffi: 'the getter is called; its value is sent',
    diverged: false,
    resolution: 'accept',
    rule: 'its value is sent (a getter that throws is INVALID_REQUEST `<path> could not be read: …`)',
    enforcedBy: POLICY,
  },
  {
    id: 'proto-key',
    area: 'free-form JSON',
    input: 'an own key named `__proto__` (as `JSON.parse` makes it)',
    example: '{ context: JSON.parse(\'{"__proto__": {"x": 1}}\') }',
    napi: 'stored, but the result object napi builds turns it into a PROTOTYPE: the key vanishes and `x` is inherited',
    koffi: 'stored and read back as an own key (`JSON.parse`)',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> has the key "__proto__", which a JavaScript object cannot carry as data`',
    enforcedBy: POLICY,
  },
  {
    id: 'prototype-named-key',
    area: 'free-form JSON',
    input: 'keys like `constructor`, `toString`, `hasOwnProperty`, `toJSON`, `then`',
    example: '{ context: { constructor: 1, toString: "x" } }',
    napi: 'ordinary keys',
    koffi: 'ordinary keys',
    diverged: false,
    resolution: 'accept',
    rule: 'ordinary data keys, read back as own properties',
    enforcedBy: POLICY,
  },
  {
    id: 'lone-surrogate',
    area: 'free-form JSON',
    input: 'a string with a lone surrogate',
    example: '{ context: { s: "\\uD800x" } }',
    napi: 'replaced by U+FFFD: `"�x"`',
    koffi: 'serde_json rejects the escape: INVALID_REQUEST `Invalid task request JSON: unexpected end of hex escape …`',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> contains a lone surrogate (U+D800 at index 0); strings must be well-formed Unicode`',
    enforcedBy: POLICY,
  },
  {
    id: 'lone-surrogate-key',
    area: 'free-form JSON',
    input: 'an object key with a lone surrogate',
    example: '{ context: { "\\uDC00": 1 } }',
    napi: 'the key becomes `"�"`',
    koffi: 'serde_json rejects the escape (INVALID_REQUEST `… lone leading surrogate in hex escape …`)',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> has a key with a lone surrogate (…); keys must be well-formed Unicode`',
    enforcedBy: POLICY,
  },
  keptIntact({
    id: 'nul-in-json-string',
    input: 'NUL inside a string (or key) of a JSON value',
    example: '{ context: { s: "a\\u0000b" } }',
    koffi: 'kept (`JSON.stringify` escapes it as `\\u0000`)',
  }),
  keptIntact({
    id: 'unicode',
    input: 'any well-formed Unicode: astral, combining, RTL, BOM, U+2028',
    example: '{ context: { s: "e\\u0301\\u202e😀" } }',
  }),
  {
    id: 'deep-nesting',
    area: 'free-form JSON',
    input: 'arrays/objects nested deeper than 100 levels',
    example: '{ context: { v: [[[…126 levels…]]] } }',
    napi: 'accepted up to 127 levels, then `Exceeded maximum JSON nesting depth` (INTERNAL); results echoing a 126-deep context fail the same way (`clientListTasks`)',
    koffi: 'serde_json\'s recursion limit: INVALID_REQUEST `recursion limit exceeded` at 128 levels of the whole argument',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<argument> nests deeper than 100 levels of arrays and objects (at <path>)` (checked without recursing further: 100 000 levels are safe)',
    enforcedBy: POLICY,
  },
  {
    id: 'depth-limit',
    area: 'free-form JSON',
    input: 'nesting up to 100 levels',
    example: 'completeStepEvent(…, { result: { v: [[[…99 levels…]]] } }) (a context is capped at depth 10 by the server)',
    napi: 'accepted, and every result echoing it converts',
    koffi: 'accepted, and every result echoing it parses',
    diverged: false,
    resolution: 'accept',
    rule: 'accepted; read back intact wherever it is echoed',
    enforcedBy: POLICY,
  },
  keptIntact({
    id: 'long-string',
    input: 'strings of 10 k – 200 k characters; payloads up to a few MB',
    example: 'completeStepEvent(…, { result: { v: "x".repeat(200_000) } }) (a context is capped at 10 000 characters by the server)',
  }),
  keptIntact({
    id: 'many-keys',
    input: 'objects with thousands of keys',
    example: 'completeStepEvent(…, { result: { v: { k0: 0, …, k19999: 19999 } } }) (a context is capped at 1000 keys by the server)',
    napi: 'kept (keys come back sorted)',
    koffi: 'kept (keys come back sorted)',
  }),
  {
    id: 'function-or-symbol',
    area: 'free-form JSON',
    input: 'a function or symbol value',
    example: '{ context: { f() {} } }',
    napi: 'throws `JS functions cannot be represented as a serde_json::Value` (INTERNAL)',
    koffi: '`JSON.stringify` leaves the member out',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is not JSON: got function`',
    enforcedBy: POLICY,
  },
  {
    id: 'cycle',
    area: 'free-form JSON',
    input: 'a cyclic structure',
    example: 'const o = {}; o.self = o; { context: o }',
    napi: 'throws `Exceeded maximum JSON nesting depth` (INTERNAL)',
    koffi: '`JSON.stringify` throws a TypeError (not a TaskerError)',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<path> is not JSON: it contains a cycle`',
    enforcedBy: POLICY,
  },
  // ------------------------------------------------------------------------------------------
  // String arguments: ids and log messages (their own C string on the legacy bridge)
  // ------------------------------------------------------------------------------------------
  {
    id: 'nul-in-argument',
    area: 'string argument',
    input: 'NUL inside an id or a log message',
    example: "clientGetTask('abc\\0def')",
    napi: 'the whole string arrives: `Invalid task UUID: abc\\u0000def`',
    koffi: 'the C string ends at the NUL: `Invalid task UUID: abc`',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<argument> contains a NUL character (U+0000) at index i; a C string cannot carry it`',
    enforcedBy: `${POLICY} (string kind "argument")`,
  },
  {
    id: 'lone-surrogate-in-argument',
    area: 'string argument',
    input: 'a lone surrogate in an id or a log message',
    example: "clientGetTask('\\uD800')",
    napi: 'replaced by U+FFFD',
    koffi: 'replaced by U+FFFD (koffi\'s UTF-8 encoding)',
    diverged: false,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<argument> contains a lone surrogate (…)`: the same rule as everywhere else, and two different ids must not collapse into one',
    enforcedBy: POLICY,
  },
  // ------------------------------------------------------------------------------------------
  // String fields of structured arguments (inside the JSON text on the legacy bridge)
  // ------------------------------------------------------------------------------------------
  {
    id: 'lone-surrogate-in-field',
    area: 'string field',
    input: 'a lone surrogate in a request field, list filter or config value',
    example: "clientListTasks({ status: '\\uD800' })",
    napi: 'replaced by U+FFFD: `Invalid status filter "�" …`',
    koffi: 'serde_json rejects the escape: `Invalid list params JSON: unexpected end of hex escape …`',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `<field> contains a lone surrogate (…); strings must be well-formed Unicode`',
    enforcedBy: POLICY,
  },
  {
    id: 'nul-in-field',
    area: 'string field',
    input: 'NUL inside a request field',
    example: "clientCreateTask({ …, reason: 'a\\0b' })",
    napi: 'kept',
    koffi: 'kept (escaped in the JSON text)',
    diverged: false,
    resolution: 'accept',
    rule: 'kept (only string arguments, which are C strings, reject NUL)',
    enforcedBy: POLICY,
  },
  // ------------------------------------------------------------------------------------------
  // Structured fields (typed DTO fields): shape checks shared by both adapters
  // ------------------------------------------------------------------------------------------
  {
    id: 'integer-out-of-range',
    area: 'structured field',
    input: 'a number outside the Rust field\'s range (i32 `limit`/`offset`, u16 `statusCode`, …)',
    example: 'clientListTasks({ limit: 2 ** 32 + 5 })',
    napi: 'wraps silently: `limit` 2^32 + 5 becomes 5',
    koffi: 'the lenient list parse wraps the same way: `per_page` 5',
    diverged: false,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `params.limit must be an integer in -2147483648..=2147483647 (i32), got 4294967301`',
    enforcedBy: VALIDATE,
  },
  {
    id: 'non-integer',
    area: 'structured field',
    input: 'a fraction in an integer field',
    example: 'clientListTasks({ limit: 1.5 })',
    napi: 'truncates silently (1.5 → 1)',
    koffi: 'the lenient list parse ignores a non-integer: the default 50',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `params.limit must be an integer in -2147483648..=2147483647 (i32), got 1.5`',
    enforcedBy: VALIDATE,
  },
  {
    id: 'non-finite-integer',
    area: 'structured field',
    input: '`NaN` or `±Infinity` in an integer field',
    example: 'clientListTasks({ limit: NaN })',
    napi: 'becomes 0 silently: `per_page must be between 1 and 100`',
    koffi: '`JSON.stringify` writes `null`, read as absent: the default 50',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `params.limit must be an integer in -2147483648..=2147483647 (i32), got NaN`',
    enforcedBy: VALIDATE,
  },
  {
    id: 'negative-zero-integer',
    area: 'structured field',
    input: '`-0` in an integer field',
    example: 'clientListTasks({ page: -0 })',
    napi: '0',
    koffi: '0 (`JSON.stringify`)',
    diverged: false,
    resolution: 'normalise',
    rule: 'sent as 0',
    enforcedBy: VALIDATE,
  },
  {
    id: 'unsafe-integer-field',
    area: 'structured field',
    input: 'an i64 field (`executionTimeMs`) past 2^53',
    example: 'metadata: { executionTimeMs: 2 ** 53 + 2 }',
    napi: 'converted to i64 (1e300 saturates to i64::MAX)',
    koffi: 'read by serde_json as i64 (1e300 is rejected as a float)',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `result.metadata.executionTimeMs must be an integer in -9007199254740991..=9007199254740991 (i64), got …`: i64 fields carry safe integers, which read back exactly',
    enforcedBy: VALIDATE,
  },
  {
    id: 'null-optional-field',
    area: 'structured field',
    input: '`null` in an optional typed field',
    example: 'clientCreateTask({ …, correlationId: null })',
    napi: 'throws "Failed to convert JavaScript value Null into rust type String on NapiTaskRequest.correlationId" (StringExpected)',
    koffi: 'serde_json reads `null` as absent',
    diverged: true,
    resolution: 'normalise',
    rule: '`null` is absent, like a missing key or `undefined`',
    enforcedBy: VALIDATE,
  },
  {
    id: 'undefined-optional-field',
    area: 'structured field',
    input: '`undefined` in an optional typed field',
    example: 'clientCreateTask({ …, priority: undefined })',
    napi: 'absent',
    koffi: 'absent (`JSON.stringify` leaves it out)',
    diverged: false,
    resolution: 'accept',
    rule: 'absent',
    enforcedBy: VALIDATE,
  },
  {
    id: 'missing-required-field',
    area: 'structured field',
    input: 'a required field missing or `undefined`',
    example: 'clientCreateTask({ …, context: undefined })',
    napi: 'throws "Missing field context" (InvalidArg)',
    koffi: 'serde_json: "missing field context"',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `request.context is required (use null for "no value")` (typed fields: `request.name must be a string, got undefined`)',
    enforcedBy: VALIDATE,
  },
  {
    id: 'wrong-type-field',
    area: 'structured field',
    input: 'a value of the wrong JS type in a typed field',
    example: 'clientCreateTask({ …, name: 5 })',
    napi: 'throws "Failed to convert JavaScript value Number 5 into rust type String on NapiTaskRequest.name" (StringExpected)',
    koffi: 'serde_json: "invalid type: integer 5, expected a string"',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `request.name must be a string, got number`',
    enforcedBy: VALIDATE,
  },
  {
    id: 'date-for-string-field',
    area: 'structured field',
    input: 'a `Date` where a timestamp string is expected',
    example: 'clientCreateTask({ …, requestedAt: new Date() })',
    napi: '`requestedAt` is not a field of tasker\'s `NapiTaskRequest`: ignored, the task is requested "now"',
    koffi: '`JSON.stringify` sends the ISO string: accepted as the request time',
    diverged: true,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `request.requestedAt must be a string, got object` (pass `date.toISOString()`)',
    enforcedBy: VALIDATE,
  },
  {
    id: 'unknown-key',
    area: 'structured field',
    input: 'an unknown (or snake_case) key in a structured argument',
    example: "clientListTasks({ sort: 'asc' })",
    napi: 'ignored',
    koffi: 'ignored (the list params are read leniently; other DTOs ignore unknown keys too)',
    diverged: false,
    resolution: 'normalise',
    rule: 'ignored: the adapters send only the DTO\'s own fields',
    enforcedBy: VALIDATE,
  },
  {
    id: 'non-object-argument',
    area: 'structured field',
    input: 'a string, number or array where an object argument is expected',
    example: "clientListTasks('x')",
    napi: 'taken as `{}` (every field of the list params is optional)',
    koffi: 'the lenient list parse takes it as `{}`',
    diverged: false,
    resolution: 'reject',
    rule: 'INVALID_REQUEST `params must be an object, got string`',
    enforcedBy: VALIDATE,
  },
  // ------------------------------------------------------------------------------------------
  // Results
  // ------------------------------------------------------------------------------------------
  {
    id: 'optional-output-field',
    area: 'result',
    input: 'an absent optional field in a result (`workerId` before bootstrap, `checkpoint`, …)',
    example: 'getWorkerStatus() before bootstrap',
    napi: 'the key is missing (napi-rs leaves `None` out)',
    koffi: '`null` (the legacy JSON)',
    diverged: true,
    resolution: 'normalise',
    rule: '`null` (the adapters\' output conversions)',
    enforcedBy: 'src/backends/wire.ts (the `fromWire…` mappings)',
  },
  {
    id: 'key-order',
    area: 'result',
    input: 'the order of keys in `client*` results',
    example: 'JSON.stringify(clientCreateTask(r))',
    napi: 'sorted (napi-rs builds the object from serde_json\'s sorted map)',
    koffi: 'the Rust struct\'s declaration order (`JSON.parse` keeps the text order)',
    diverged: true,
    resolution: 'not compared',
    rule: 'not part of the contract: results are equal as values (deep equality), whatever the key order',
    enforcedBy: 'contract (docs/conversion-policy.md)',
  },
];

export function policyRow(id: string): PolicyRow {
  const row = POLICY_TABLE.find((r) => r.id === id);
  if (row === undefined) throw new Error(`no conversion-policy row "${id}"`);
  return row;
}

/** The table as Markdown (for docs/conversion-policy.md and reports/parity.md). */
export function policyTableMarkdown(
  observed?: ReadonlyMap<string, { napiRaw: string; koffiRaw: string; ok: boolean }>,
  rows: readonly PolicyRow[] = POLICY_TABLE,
): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const head = observed === undefined
    ? '| id | area | input | example | napi alone | koffi alone | diverged | resolution | contract behaviour (both backends) |\n|---|---|---|---|---|---|---|---|---|'
    : '| id | input | example | napi alone (observed) | koffi alone (observed) | resolution | contract behaviour (both backends) | this run |\n|---|---|---|---|---|---|---|---|';
  const lines = rows.map((row) => {
    if (observed === undefined) {
      return `| \`${row.id}\` | ${row.area} | ${escape(row.input)} | \`${escape(row.example)}\` | ${escape(row.napi)} | ${escape(row.koffi)} | ${row.diverged ? 'yes' : 'no'} | ${row.resolution} | ${escape(row.rule)} |`;
    }
    const seen = observed.get(row.id);
    const status = seen === undefined ? 'not run' : seen.ok ? 'ok on both' : '**FAILED**';
    return `| \`${row.id}\` | ${escape(row.input)} | \`${escape(row.example)}\` | ${escape(seen?.napiRaw ?? row.napi)} | ${escape(seen?.koffiRaw ?? row.koffi)} | ${row.resolution} | ${escape(row.rule)} | ${status} |`;
  });
  return [head, ...lines].join('\n');
}
