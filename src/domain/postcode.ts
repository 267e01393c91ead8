// Outward code formats A9, A99, AA9, AA99, A9A, AA9A with the letters Royal Mail
// allows in each position, then the inward code 9AA (never C, I, K, M, O or V).
const POSTCODE =
  /^(?:GIR 0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) [0-9][ABD-HJLNP-UW-Z]{2})$/;

const INWARD_LENGTH = 3;

/**
 * Uppercases a postcode and, when the user typed no space, puts one before the
 * 3-character inward code: "le11ab" becomes "LE1 1AB". Runs of whitespace become one
 * space. A space the user did type is kept where it is, so "LE1 11AB" stays invalid
 * rather than silently becoming "LE11 1AB" in a different district.
 */
export function normalisePostcode(s: string): string {
  const spaced = s.trim().replace(/\s+/g, ' ').toUpperCase();
  if (spaced.includes(' ') || spaced.length <= INWARD_LENGTH) return spaced;
  return `${spaced.slice(0, -INWARD_LENGTH)} ${spaced.slice(-INWARD_LENGTH)}`;
}

/**
 * Checks the shape of a full UK postcode (including the special GIR 0AA),
 * after normalising case and spacing. It does not prove the postcode is in use.
 */
export function isValidUkPostcode(s: string): boolean {
  return POSTCODE.test(normalisePostcode(s));
}

/**
 * The outward code (postal district) of a full postcode: "LE11 2AB" gives "LE11",
 * never "LE1". Returns undefined if `s` is not a valid full postcode.
 */
export function postcodeDistrict(s: string): string | undefined {
  const normalised = normalisePostcode(s);
  if (!POSTCODE.test(normalised)) return undefined;
  return normalised.slice(0, -INWARD_LENGTH - 1);
}

/**
 * The postcode area, i.e. the leading letters of the outward code ("LE1 1AB" gives "LE").
 * Returns undefined if `s` is not a valid full postcode.
 */
export function postcodeArea(s: string): string | undefined {
  const district = postcodeDistrict(s);
  return district?.match(/^[A-Z]+/)?.[0];
}

/**
 * The postcode an address ends with ("1 Example Street, Testtown LE1 6TH" gives "LE1 6TH"), so the
 * referrer types the address once; undefined when its last words are not a full postcode.
 */
export function postcodeIn(address: string): string | undefined {
  const words = address
    .trim()
    .replace(/[.,;]+$/, '')
    .split(/[\s,]+/)
    .filter(Boolean);
  for (const take of [2, 1]) {
    if (words.length < take) continue;
    const candidate = words.slice(-take).join(take === 2 ? ' ' : '');
    if (isValidUkPostcode(candidate)) return normalisePostcode(candidate);
  }
  return undefined;
}

/** The address as typed with the postcode it ends with in its standard form ("... le1 6th" ends "... LE1 6TH"). */
export function withStandardPostcode(address: string): string {
  const found = postcodeIn(address);
  if (!found) return address;
  for (const ending of [/([A-Za-z0-9]+\s+[A-Za-z0-9]+)([.,;\s]*)$/, /([A-Za-z0-9]+)([.,;\s]*)$/]) {
    const m = ending.exec(address);
    if (m?.[1] && normalisePostcode(m[1]) === found) {
      return `${address.slice(0, m.index)}${found}${m[2] ?? ''}`.trim();
    }
  }
  return address;
}
