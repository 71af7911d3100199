import { isUtf8 } from 'node:buffer';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import type { z } from 'zod';
import { OqsQualificationRequest, OqsResultDocument } from './oqs-request.js';
import {
  ElderlyRecipientCertificateInfo,
  LimitApplicationCertificateRelatedInfo,
  MedicalTicketInfo,
  MessageHeader,
  ResultOfQualificationConfirmation,
} from './oqs-result.js';

/**
 * The OQS folder interface as bytes (oqs-interface.md §1.3, §2, §5): result files
 * (`OQSsiquc01res_…`, `OQSsiquc01res_face_…`) and check requests (`OQSsiquc01req_…`) in UTF-8 or
 * Shift_JIS (which in these files means Windows-31J / CP932). No namespaces, no attributes, every
 * value is element text and stays a string.
 */

export type OqsXmlEncoding = 'utf8' | 'cp932';

/**
 * `face`: the order real terminals write (two independent samples agree, oqs-interface.md §2.3
 * "Element order"); elements the samples do not show follow in the order of oqs-result.ts.
 * `schema`: the order of oqs-result.ts throughout.
 */
export type OqsXmlElementOrder = 'face' | 'schema';

export interface OqsXmlEncodeOptions {
  encoding: OqsXmlEncoding;
  order?: OqsXmlElementOrder;
}

/** A character the chosen encoding cannot carry, written as ● (U+25CF) instead. */
export interface ReplacedCharacter {
  char: string;
  /** e.g. "U+20BB7". */
  codePoint: string;
  /** Element path, e.g. "XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[0]/Name". */
  where: string;
}

export interface EncodedOqsXml {
  bytes: Buffer;
  replaced: ReplacedCharacter[];
}

/** ● — what OQS shows for a character it cannot carry; CP932 has it (0x819C). */
export const BLACK_CIRCLE = '\u25CF';

/** Larger request files are refused unread. */
export const MAX_OQS_XML_BYTES = 1024 * 1024;

/**
 * Why a file could not be read. The real codes (別紙6-1 処理結果コード) are not public
 * (oqs-interface.md §2.11), so these and their header `ErrorCode` values are ours
 * (docs/protocols/oqs-folders.md).
 */
export const OQS_XML_ERROR_CODES = {
  'too-large': 'MRX001',
  empty: 'MRX002',
  'unsupported-encoding': 'MRX003',
  'invalid-bytes': 'MRX004',
  'malformed-xml': 'MRX005',
  'unexpected-root': 'MRX006',
  'unknown-element': 'MRX007',
  'duplicate-element': 'MRX008',
  'missing-element': 'MRX009',
  'invalid-value': 'MRX010',
  'unexpected-attribute': 'MRX011',
  'unsupported-request': 'MRX012',
  'central-unavailable': 'MRX020',
} as const;
export type OqsXmlErrorCode = keyof typeof OQS_XML_ERROR_CODES;

export interface OqsXmlError {
  code: OqsXmlErrorCode;
  message: string;
  /** Element path, "line L, column C", "byte N", "XML declaration" or "file". */
  where: string;
}

// ─── element order ─────────────────────────────────────────────────────────────────────────────

export interface ElementSpec {
  name: string;
  /** Present for elements with element children (order = write order). */
  children?: readonly ElementSpec[];
  /** A repeated element: an array in the tree. */
  repeated?: boolean;
}

const leaves = (names: readonly string[]): ElementSpec[] => names.map((name) => ({ name }));
const keysOf = (schema: z.ZodObject): string[] => Object.keys(schema.shape);

/** Children of ResultOfQualificationConfirmation in the order of a real face file (MC-facetest, SX). */
const FACE_RESULT_ORDER = [
  'Address',
  'SpecificHealthCheckupsInfoConsTime',
  'DiagnosisInfoConsFlg',
  'SpecificHealthCheckupsInfoAvailableTime',
  'PersonalFamilyClassification',
  'Sex1',
  'Name',
  'InsurerNumber',
  'InsuredCardSymbol',
  'NameKana',
  'InsuredCardValidDate',
  'LimitApplicationCertificateRelatedConsFlg',
  'InsuredCardClassification',
  'InsuredBranchNumber',
  'Birthdate',
  'InsuredCertificateIssuanceDate',
  'InsuredIdentificationNumber',
  'PharmacistsInfoAvailableTime',
  'SpecificHealthCheckupsInfoConsFlg',
  'PharmacistsInfoConsTime',
  'PharmacistsInfoConsFlg',
  'InsurerName',
  'PostNumber',
] as const;

const NESTED_RESULT_BLOCKS: Record<string, z.ZodObject> = {
  ElderlyRecipientCertificateInfo,
  LimitApplicationCertificateRelatedInfo,
};

const HEADER_ORDER = [
  'ProcessExecutionTime',
  'CharacterCodeIdentifier',
  'SegmentOfResult',
  // Not in the samples (they are success files); next to SegmentOfResult, which they qualify.
  'ErrorCode',
  'ErrorMessage',
  'QualificationConfirmationDate',
  'ReferenceClassification',
  'ArbitraryFileIdentifier',
  'MedicalInstitutionCode',
];

const SEARCH_INFO_ORDER = [
  'InsurerNumber',
  'InsuredCardSymbol',
  'InsuredIdentificationNumber',
  'InsuredBranchNumber',
  'Birthdate',
  'LimitApplicationCertificateRelatedConsFlg',
  'ArbitraryIdentifier',
];

function resultSpec(order: OqsXmlElementOrder): ElementSpec {
  const schemaOrder = keysOf(ResultOfQualificationConfirmation);
  const names = order === 'face' ? [...FACE_RESULT_ORDER, ...schemaOrder.filter((n) => !(FACE_RESULT_ORDER as readonly string[]).includes(n))] : schemaOrder;
  return {
    name: 'ResultOfQualificationConfirmation',
    repeated: true,
    children: names.map((name) => {
      if (name === 'PublicExpenseResultList') return { name, children: [{ name: 'MedicalTicketInfo', repeated: true, children: leaves(keysOf(MedicalTicketInfo)) }] };
      const block = NESTED_RESULT_BLOCKS[name];
      return block ? { name, children: leaves(keysOf(block)) } : { name };
    }),
  };
}

function resultDocumentSpec(order: OqsXmlElementOrder): ElementSpec {
  return {
    name: 'XmlMsg',
    children: [
      { name: 'MessageHeader', children: leaves(order === 'face' ? HEADER_ORDER : keysOf(MessageHeader)) },
      {
        name: 'MessageBody',
        children: [
          // Where the echo sits among the body children is not shown by any sample: first, as in
          // the request.
          { name: 'QualificationConfirmSearchInfo', children: leaves(SEARCH_INFO_ORDER) },
          { name: 'ResultList', children: [resultSpec(order)] },
          ...leaves(['ProcessingResultStatus', 'ProcessingResultCode', 'ProcessingResultMessage', 'QualificationValidity', 'PrescriptionIssueSelect']),
        ],
      },
    ],
  };
}

const REQUEST_SPEC: ElementSpec = {
  name: 'XmlMsg',
  children: [
    { name: 'MessageHeader', children: leaves(['QualificationConfirmationDate', 'MedicalInstitutionCode', 'ArbitraryFileIdentifier']) },
    { name: 'MessageBody', children: [{ name: 'QualificationConfirmSearchInfo', children: leaves(SEARCH_INFO_ORDER) }] },
  ],
};

// ─── writing ───────────────────────────────────────────────────────────────────────────────────

const DECLARATION: Record<OqsXmlEncoding, string> = {
  utf8: '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
  cp932: '<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>',
};

/** OQSCD005 文字コード識別. */
export const CHARACTER_CODE_IDENTIFIER: Record<OqsXmlEncoding, string> = { utf8: '0', cp932: '1' };

const cp932Cache = new Map<number, boolean>();

/** Whether CP932 carries the character unchanged (encode, decode, compare). */
export function isCp932Encodable(char: string): boolean {
  const cp = char.codePointAt(0)!;
  let known = cp932Cache.get(cp);
  if (known === undefined) {
    known = cp < 0x80 || iconv.decode(iconv.encode(char, 'cp932'), 'cp932') === char;
    cp932Cache.set(cp, known);
  }
  return known;
}

/** Characters XML 1.0 cannot contain at all (not even as references). */
// eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

class XmlWriter {
  readonly lines: string[] = [];
  readonly replaced: ReplacedCharacter[] = [];
  constructor(readonly encoding: OqsXmlEncoding) {}

  element(spec: ElementSpec, value: unknown, path: string, depth: number): void {
    const indent = '    '.repeat(depth);
    if (spec.children === undefined) {
      if (typeof value !== 'string') throw new TypeError(`encodeOqsXml: ${path} must be a string, received ${typeof value}`);
      this.lines.push(`${indent}<${spec.name}>${this.text(value, path)}</${spec.name}>`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(`encodeOqsXml: ${path} must be an object with child elements`);
    }
    const record = value as Record<string, unknown>;
    const known = new Set(spec.children.map((c) => c.name));
    for (const key of Object.keys(record)) {
      if (!known.has(key) && record[key] !== undefined) {
        throw new TypeError(`encodeOqsXml: ${path}/${key} is not an element of the OQS interface; remove it or add it to src/protocol/oqs-xml.ts`);
      }
    }
    this.lines.push(`${indent}<${spec.name}>`);
    for (const child of spec.children) {
      const v = record[child.name];
      if (v === undefined) continue;
      if (child.repeated) {
        if (!Array.isArray(v)) throw new TypeError(`encodeOqsXml: ${path}/${child.name} must be an array (a repeated element)`);
        v.forEach((item, i) => this.element(child, item, `${path}/${child.name}[${i}]`, depth + 1));
      } else {
        this.element(child, v, `${path}/${child.name}`, depth + 1);
      }
    }
    this.lines.push(`${indent}</${spec.name}>`);
  }

  text(value: string, where: string): string {
    let out = '';
    for (const char of value) {
      let c = char;
      if (XML_FORBIDDEN.test(c) || (this.encoding === 'cp932' && !isCp932Encodable(c))) {
        this.replaced.push({ char: c, codePoint: `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, where });
        c = BLACK_CIRCLE;
      }
      out += c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '\r' ? '&#13;' : c;
    }
    return out;
  }

  bytes(): Buffer {
    const text = `${DECLARATION[this.encoding]}\n${this.lines.join('\n')}\n`;
    return this.encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'cp932');
  }
}

function encodeTree(spec: ElementSpec, tree: unknown, encoding: OqsXmlEncoding): EncodedOqsXml {
  const writer = new XmlWriter(encoding);
  const root = (tree as Record<string, unknown>)[spec.name];
  writer.element(spec, root, spec.name, 0);
  return { bytes: writer.bytes(), replaced: writer.replaced };
}

/**
 * A result file's bytes, with `CharacterCodeIdentifier` set to the encoding, and the characters
 * that the encoding lacks (CP932 only, e.g. 𠮷) written as ● and reported. A ● already in the
 * data (an insurer's unconverted 外字) is an ordinary character here.
 */
export function encodeOqsResultXmlWithReport(message: OqsResultDocument, opts: OqsXmlEncodeOptions): EncodedOqsXml {
  const withCode: OqsResultDocument = {
    XmlMsg: {
      ...message.XmlMsg,
      MessageHeader: { ...message.XmlMsg.MessageHeader, CharacterCodeIdentifier: CHARACTER_CODE_IDENTIFIER[opts.encoding] },
    },
  };
  return encodeTree(resultDocumentSpec(opts.order ?? 'face'), withCode, opts.encoding);
}

export function encodeOqsResultXml(message: OqsResultDocument, opts: OqsXmlEncodeOptions): Buffer {
  return encodeOqsResultXmlWithReport(message, opts).bytes;
}

/** A check request file (`OQSsiquc01req_…`), as a reception system writes it. */
export function encodeOqsRequestXml(request: OqsQualificationRequest, opts: { encoding: OqsXmlEncoding }): Buffer {
  return encodeTree(REQUEST_SPEC, request, opts.encoding).bytes;
}

// ─── reading ───────────────────────────────────────────────────────────────────────────────────

/** One element of a parsed file: either text (a leaf) or element children, never both. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
  hasAttributes: boolean;
  /** Non-whitespace text beside element children (mixed content). */
  strayText: boolean;
}

export type ReadXmlResult = { ok: true; root: XmlElement; encoding: OqsXmlEncoding } | { ok: false; error: OqsXmlError };

const SJIS_NAMES = new Set(['shift_jis', 'shift-jis', 'sjis', 'x-sjis', 'windows-31j', 'cp932', 'ms932', 'ms_kanji', 'csshiftjis']);
const UTF8_NAMES = new Set(['utf-8', 'utf8']);

const parser = new XMLParser({
  preserveOrder: true,
  trimValues: false,
  parseTagValue: false,
  ignoreAttributes: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  cdataPropName: '#cdata',
});

const fail = (code: OqsXmlErrorCode, message: string, where: string): { ok: false; error: OqsXmlError } => ({ ok: false, error: { code, message, where } });

/** Bytes → one element tree, the encoding chosen by the XML declaration (UTF-8 when absent). */
export function readOqsXml(bytes: Uint8Array): ReadXmlResult {
  if (bytes.length === 0) return fail('empty', 'the file is empty; write the whole XML, then rename it into req/', 'file');
  if (bytes.length > MAX_OQS_XML_BYTES) {
    return fail('too-large', `the file has ${bytes.length} bytes, more than the ${MAX_OQS_XML_BYTES} accepted; a check request is a few hundred bytes`, 'file');
  }
  let body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)) {
    return fail('unsupported-encoding', 'the file is UTF-16 (byte order mark); write UTF-8 or Shift_JIS', 'byte 0');
  }
  let bom = false;
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    body = body.subarray(3);
    bom = true;
  }
  let encoding: OqsXmlEncoding = 'utf8';
  const head = body.subarray(0, 200).toString('latin1');
  if (head.startsWith('<?xml')) {
    const end = head.indexOf('?>');
    if (end < 0) return fail('malformed-xml', 'the XML declaration is not closed with "?>"', 'XML declaration');
    const declared = /\bencoding\s*=\s*(["'])([^"']*)\1/.exec(head.slice(0, end))?.[2];
    if (declared !== undefined) {
      const name = declared.toLowerCase();
      if (SJIS_NAMES.has(name)) encoding = 'cp932';
      else if (!UTF8_NAMES.has(name)) {
        return fail('unsupported-encoding', `the declaration names encoding "${declared}"; write UTF-8 or Shift_JIS (CP932)`, 'XML declaration');
      }
      if (bom && encoding !== 'utf8') return fail('unsupported-encoding', `a UTF-8 byte order mark, but the declaration says "${declared}"`, 'XML declaration');
    }
  }
  const text = encoding === 'utf8' ? body.toString('utf8') : iconv.decode(body, 'cp932');
  const bad = firstUndecodable(text, body, encoding);
  if (bad >= 0) {
    const offset = (encoding === 'utf8' ? Buffer.byteLength(text.slice(0, bad), 'utf8') : iconv.encode(text.slice(0, bad), 'cp932').length) + (bom ? 3 : 0);
    const hint = encoding === 'utf8' ? 'was it written as Shift_JIS without saying so in the declaration?' : 'was it written as UTF-8 with a Shift_JIS declaration?';
    return fail('invalid-bytes', `the bytes are not valid ${encoding === 'utf8' ? 'UTF-8' : 'Shift_JIS (CP932)'}; ${hint}`, `byte ${offset}`);
  }
  if (/<!DOCTYPE/i.test(text)) return fail('malformed-xml', 'a DOCTYPE is not allowed in OQS files (no DTD, no entity declarations)', 'DOCTYPE');
  const forbidden = XML_FORBIDDEN.exec(text);
  if (forbidden) {
    return fail('malformed-xml', `control character U+${forbidden[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`, positionOf(text, forbidden.index));
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) return fail('malformed-xml', `not well-formed XML: ${valid.err.msg}`, `line ${valid.err.line}, column ${valid.err.col}`);
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (e) {
    return fail('malformed-xml', `not well-formed XML: ${(e as Error).message}`, 'file');
  }
  const roots: XmlElement[] = [];
  for (const node of parsed as ParsedNode[]) {
    const el = toElement(node);
    if (el === 'text') {
      if (!isBlank(textOf(node))) return fail('malformed-xml', 'text outside the root element', 'file');
      continue;
    }
    if (typeof el === 'string') return fail('malformed-xml', el, 'file');
    roots.push(el);
  }
  if (roots.length !== 1) return fail('unexpected-root', `expected one root element XmlMsg, found ${roots.length}`, 'file');
  return { ok: true, root: roots[0]!, encoding };
}

type ParsedNode = Record<string, unknown>;

const isBlank = (s: string): boolean => /^[ \t\r\n]*$/.test(s);

function textOf(node: ParsedNode): string {
  if ('#text' in node) return decodeEntities(String(node['#text']));
  const cdata = node['#cdata'] as ParsedNode[] | undefined;
  return (cdata ?? []).map((c) => String(c['#text'] ?? '')).join('');
}

/** The element of a parser node, 'text' for a text node, or a message for an undecodable one. */
function toElement(node: ParsedNode): XmlElement | 'text' | string {
  if ('#text' in node || '#cdata' in node) return 'text';
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined) return 'text';
  const rawChildren = node[name] as ParsedNode[];
  const children: XmlElement[] = [];
  let text = '';
  for (const child of rawChildren) {
    const el = toElement(child);
    if (el === 'text') {
      const t = textOf(child);
      if (t.includes('\u0000')) return `an undefined entity in <${name}>`;
      text += t;
    } else if (typeof el === 'string') return el;
    else children.push(el);
  }
  const strayText = children.length > 0 && !isBlank(text);
  if (text.includes(UNKNOWN_ENTITY)) return `an undefined entity reference in <${name}> (only &lt; &gt; &amp; &quot; &apos; and &#…; are defined)`;
  return { name, children, text: children.length > 0 ? '' : text, hasAttributes: ':@' in node, strayText };
}

const UNKNOWN_ENTITY = '\u0000';
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z][A-Za-z0-9]*);/g, (_m, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : UNKNOWN_ENTITY;
    }
    return NAMED[ref] ?? UNKNOWN_ENTITY;
  });
}

function positionOf(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `line ${line}, column ${index - before.lastIndexOf('\n')}`;
}

/**
 * Maps an element tree onto a spec. `strict` (requests): unknown elements, attributes and stray
 * text are errors. Lenient (results): real files carry elements this rig does not model
 * (e.g. SpecificDiseasesCertificateRelatedConsFlg); they are skipped.
 */
function mapElement(el: XmlElement, spec: ElementSpec, path: string, strict: boolean): { ok: true; value: unknown } | { ok: false; error: OqsXmlError } {
  if (strict && el.hasAttributes) return fail('unexpected-attribute', `<${el.name}> has attributes; OQS files carry values as element text only`, path);
  if (spec.children === undefined) {
    if (el.children.length > 0) return fail('invalid-value', `<${el.name}> must hold text, not the element <${el.children[0]!.name}>`, path);
    return { ok: true, value: el.text };
  }
  if (el.children.length === 0 && !isBlank(el.text)) return fail('invalid-value', `<${el.name}> must hold elements, not text`, path);
  if (strict && el.strayText) return fail('invalid-value', `<${el.name}> mixes text with its elements`, path);
  const out: Record<string, unknown> = {};
  for (const child of el.children) {
    const childSpec = spec.children.find((c) => c.name === child.name);
    const childPath = `${path}/${child.name}`;
    if (!childSpec) {
      if (strict) {
        return fail('unknown-element', `<${child.name}> is not an element of <${el.name}> here; expected one of ${spec.children.map((c) => c.name).join(', ')}`, childPath);
      }
      continue;
    }
    const mapped = mapElement(child, childSpec, childPath, strict);
    if (!mapped.ok) return mapped;
    if (childSpec.repeated) {
      ((out[child.name] ??= []) as unknown[]).push(mapped.value);
    } else {
      if (child.name in out) return fail('duplicate-element', `<${child.name}> appears more than once in <${el.name}>`, childPath);
      out[child.name] = mapped.value;
    }
  }
  // A ResultList that is present but empty is an empty list, not a missing one.
  for (const c of spec.children) if (c.repeated && !(c.name in out)) out[c.name] = [];
  return { ok: true, value: out };
}

function decodeWith<T>(
  bytes: Uint8Array,
  spec: ElementSpec,
  schema: z.ZodType<T>,
  strict: boolean,
): { ok: true; value: T; encoding: OqsXmlEncoding } | { ok: false; error: OqsXmlError } {
  const read = readOqsXml(bytes);
  if (!read.ok) return read;
  if (read.root.name !== spec.name) return fail('unexpected-root', `the root element is <${read.root.name}>, expected <${spec.name}>`, read.root.name);
  const mapped = mapElement(read.root, spec, spec.name, strict);
  if (!mapped.ok) return mapped;
  const tree = { [spec.name]: mapped.value };
  const parsed = schema.safeParse(tree);
  if (parsed.success) return { ok: true, value: parsed.data, encoding: read.encoding };
  const issue = parsed.error.issues[0]!;
  const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `/${String(p)}`)).join('').replace(/^\//, '');
  let at: unknown = tree;
  for (const p of issue.path) at = at === undefined || at === null ? undefined : (at as Record<PropertyKey, unknown>)[p as PropertyKey];
  if (at === undefined) return fail('missing-element', `<${String(issue.path.at(-1))}> is required here and missing`, where);
  // The path goes in `where` only: error results write `<where>: <message>` (oqs-answer.ts).
  return fail('invalid-value', `${issue.message} (received ${JSON.stringify(at).slice(0, 60)})`, where);
}

/** A result file (face or res) → its tree. Elements this rig does not model are skipped. */
export function decodeOqsXml(bytes: Uint8Array): { message: OqsResultDocument; encoding: OqsXmlEncoding } | { error: OqsXmlError } {
  const r = decodeWith(bytes, resultDocumentSpec('schema'), OqsResultDocument, false);
  return r.ok ? { message: r.value, encoding: r.encoding } : { error: r.error };
}

/** A check request file → its tree; strict: anything the spec does not define is an error. */
export function decodeOqsRequestXml(bytes: Uint8Array): { request: OqsQualificationRequest; encoding: OqsXmlEncoding } | { error: OqsXmlError } {
  const r = decodeWith(bytes, REQUEST_SPEC, OqsQualificationRequest, true);
  return r.ok ? { request: r.value, encoding: r.encoding } : { error: r.error };
}

// ─── generic trees (other message kinds: oqs-messages.ts) ─────────────────────────────────────

/** The `ResultOfQualificationConfirmation` element as written in result files (for nesting in other messages). */
export function qualificationResultSpec(order: OqsXmlElementOrder = 'face'): ElementSpec {
  return resultSpec(order);
}

/** `QualificationConfirmSearchInfo` as requests carry it. */
export const SEARCH_INFO_SPEC: ElementSpec = { name: 'QualificationConfirmSearchInfo', children: leaves(SEARCH_INFO_ORDER) };

/** Any tree → bytes under `spec` (root `spec.name`); characters the encoding lacks become ● and are reported. */
export function encodeOqsTree(spec: ElementSpec, tree: unknown, encoding: OqsXmlEncoding): EncodedOqsXml {
  return encodeTree(spec, tree, encoding);
}

/** Bytes → a tree under `spec`, validated by `schema`; `strict` for requests (unknown elements are errors). */
export function decodeOqsTree<T>(bytes: Uint8Array, spec: ElementSpec, schema: z.ZodType<T>, strict: boolean): { value: T; encoding: OqsXmlEncoding } | { error: OqsXmlError } {
  const r = decodeWith(bytes, spec, schema, strict);
  return r.ok ? { value: r.value, encoding: r.encoding } : { error: r.error };
}

/**
 * Index in `text` of the first character that stands for undecodable bytes, or -1. A U+FFFD the
 * file really contains (EF BF BD in UTF-8) is a character like any other; CP932 has no U+FFFD, so
 * there every one marks bad bytes.
 */
function firstUndecodable(text: string, body: Buffer, encoding: OqsXmlEncoding): number {
  if (encoding === 'cp932') return text.indexOf('\uFFFD');
  if (isUtf8(body)) return -1;
  let byteOffset = 0;
  let at = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) {
    byteOffset += Buffer.byteLength(text.slice(at, i), 'utf8');
    at = i;
    if (body[byteOffset] !== 0xef || body[byteOffset + 1] !== 0xbf || body[byteOffset + 2] !== 0xbd) return i;
  }
  return text.indexOf('\uFFFD');
}
