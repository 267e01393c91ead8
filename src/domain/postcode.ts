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
