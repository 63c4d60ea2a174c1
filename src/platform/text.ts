/**
 * What a string a person or a partner system types may hold, in one place for the HTTP schemas (platform/http/schemas.ts)
 * and for the inputs that do not pass them (CSV imports, EDI and ERP documents, the order intake's own check).
 * ADR 0007, addenda of 2026-12-06; README, "Identifiers and free text". The patterns are written for ajv's `u` flag
 * (\p{…} classes) and are used as they are in `new RegExp(pattern, 'u')`.
 */

/** A character that may stand at either end: not white space, not a control (Cc), not an invisible format character (Cf). */
const EDGE = '[^\\s\\p{Cc}\\p{Cf}]';

/**
 * What an identifier a client chooses or types may not hold (an id, a code, a SKU, a worker id, an external id, a tote):
 * white space at either end, control characters (C0, DEL, C1: U+0000–U+001F, U+007F–U+009F) and invisible format
 * characters (Unicode Cf: bidi overrides and isolates U+202A–U+202E and U+2066–U+2069, zero-width space and joiners,
 * the BOM, the soft hyphen), nor line or paragraph separators. `"alice "` and `"alice"` look alike and were two workers;
 * a BEL or a U+202E in an external id was stored and shown reversed or not at all. Spaces inside are kept (a few codes
 * have them). A scanned barcode is not an identifier of this kind: GS1 barcodes carry the GS (U+001D) separator, so
 * barcode fields stay plain strings.
 */
export const IDENTIFIER_PATTERN = `^${EDGE}([^\\p{Cc}\\p{Cf}\\u2028\\u2029]*${EDGE})?$`;

/** The message when a value breaks {@link IDENTIFIER_PATTERN}. */
export const IDENTIFIER_MESSAGE = 'must not start or end with white space, nor hold control characters or invisible format characters (bidi overrides, zero-width spaces)';

/** One identifier of {@link IDENTIFIER_LIST_PATTERN}: {@link IDENTIFIER_PATTERN} without its anchors, and without a comma. */
const LIST_ITEM = `${EDGE.replace('[^', '[^,')}(?:[^,\\p{Cc}\\p{Cf}\\u2028\\u2029]*${EDGE.replace('[^', '[^,')})?`;

/**
 * A filter that takes several identifiers separated by commas (`?type=orders.order.created.v1, orders.order.shipped.v1`):
 * each an identifier ({@link IDENTIFIER_PATTERN}), spaces allowed around the commas, no empty item. A zero-width space or
 * a bidi override pasted into an event type found nothing and said nothing (200, an empty page).
 */
export const IDENTIFIER_LIST_PATTERN = `^ *${LIST_ITEM}(?: *, *${LIST_ITEM})* *$`;

/** The message when a value breaks {@link IDENTIFIER_LIST_PATTERN}. */
export const IDENTIFIER_LIST_MESSAGE = 'must be one or more values separated by commas, none empty, none holding control characters or invisible format characters (bidi overrides, zero-width spaces)';

/**
 * An emoji tag sequence (Unicode UTS #51, ED-14a), the subdivision flags: the black flag U+1F3F4, tag characters
 * U+E0020–U+E007E, the cancel tag U+E007F (🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland is U+1F3F4 U+E0067 U+E0062 U+E0073 U+E0063 U+E0074 U+E007F).
 * Tag characters are invisible format characters (Cf) and are refused anywhere else: a stray one hides text.
 * The range ends in the character itself, not `\\u{E007E}`: fast-json-stringify checks a response schema's patterns by
 * compiling them without the `u` flag, where `\\u{…}-\\u{…}` reads as the range `}`–`u` and is refused (every route
 * with a text field answered 500); the literal's first UTF-16 unit (U+DB40) makes that reading a valid range.
 */
const TAG_SEQUENCE = `\\u{1F3F4}[\\u{E0020}-${String.fromCodePoint(0xE007E)}]+\\u{E007F}`;

/** What may stand at either end of free text: a visible character ({@link EDGE}) or a whole emoji tag sequence. */
const TEXT_EDGE = `(?:${TAG_SEQUENCE}|${EDGE})`;

/**
 * A character of free text: anything but a control (Cc), an invisible format character (Cf) or a line or paragraph
 * separator, except the zero-width non-joiner and joiner (U+200C, U+200D), which Persian, the Indic scripts and emoji
 * sequences need to be spelled right, and the tag characters of a whole emoji tag sequence ({@link TAG_SEQUENCE}).
 * Refused, among others: NUL, BEL, ESC (terminal escapes), tab and line breaks, DEL and C1, the bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C), zero-width space (U+200B),
 * the BOM, U+2028 and U+2029, a tag character anywhere but in a tag sequence.
 */
const TEXT_CHAR = `(?:${TAG_SEQUENCE}|[^\\p{Cc}\\p{Cf}\\u2028\\u2029]|[\\u200C\\u200D])`;
/** The same, with line feed and tab: the characters of a note a person writes over several lines. */
const MULTILINE_CHAR = `(?:${TAG_SEQUENCE}|[^\\p{Cc}\\p{Cf}\\u2028\\u2029]|[\\n\\t\\u200C\\u200D])`;

/**
 * Free text on one line (a name, an address line, a reason, a description, a label): printable characters, spaces
 * inside, none at either end. Those characters end up in CSV and EDI files, ZPL labels, logs and screens, where a
 * control character or a bidi override corrupts or disguises what is shown; white space at an end is refused rather
 * than trimmed, so what is stored is what was sent (and compared, for a resent order) and the rule is the identifiers'.
 */
export const TEXT_PATTERN = `^${TEXT_EDGE}(?:${TEXT_CHAR}*${TEXT_EDGE})?$`;

/** Free text over several lines (notes): as {@link TEXT_PATTERN}, with line feeds (`\n`, not `\r`) and tabs inside. */
export const MULTILINE_TEXT_PATTERN = `^${TEXT_EDGE}(?:${MULTILINE_CHAR}*${TEXT_EDGE})?$`;

/** {@link TEXT_PATTERN}, or the empty string: an optional field a client may send empty (`line2: ""`). */
export const OPTIONAL_TEXT_PATTERN = `^(?:${TEXT_EDGE}(?:${TEXT_CHAR}*${TEXT_EDGE})?)?$`;

/**
 * What a person types into a search box: any characters of free text ({@link TEXT_CHAR}), spaces at either end
 * included, or nothing. A control character or an invisible format character (a zero-width space pasted with a SKU)
 * matches nothing any text holds, so it is refused naming the parameter rather than answered with an empty list.
 */
export const SEARCH_PATTERN = `^${TEXT_CHAR}*$`;

/** The message when a value breaks {@link SEARCH_PATTERN}. */
export const SEARCH_MESSAGE = 'must not hold control characters (tabs, line breaks, escapes), bidi controls or other invisible format characters';

/** The message when a value breaks {@link TEXT_PATTERN}. */
export const TEXT_MESSAGE = 'must not start or end with white space, nor hold control characters (tabs, line breaks, escapes), bidi controls or other invisible format characters';

/** The message when a value breaks {@link MULTILINE_TEXT_PATTERN}. */
export const MULTILINE_TEXT_MESSAGE = 'must not start or end with white space, nor hold control characters other than line feeds and tabs, bidi controls or other invisible format characters';

/** Each pattern above and the message that says it was broken (platform/http/problem.ts). */
export const TEXT_RULES: Readonly<Record<string, string>> = {
  [IDENTIFIER_PATTERN]: IDENTIFIER_MESSAGE,
  [IDENTIFIER_LIST_PATTERN]: IDENTIFIER_LIST_MESSAGE,
  [SEARCH_PATTERN]: SEARCH_MESSAGE,
  [TEXT_PATTERN]: TEXT_MESSAGE,
  [OPTIONAL_TEXT_PATTERN]: TEXT_MESSAGE,
  [MULTILINE_TEXT_PATTERN]: MULTILINE_TEXT_MESSAGE,
};

const identifier = new RegExp(IDENTIFIER_PATTERN, 'u');
const text = new RegExp(TEXT_PATTERN, 'u');

/** Whether `value` is a well-formed identifier ({@link IDENTIFIER_PATTERN}); the empty string is not. */
export const isIdentifier = (value: string): boolean => identifier.test(value);

/** Whether `value` is well-formed free text on one line ({@link TEXT_PATTERN}); the empty string is not. */
export const isText = (value: string): boolean => text.test(value);
