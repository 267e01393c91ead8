const WEIGHTED_DIGITS = 9;

/**
 * Removes the spaces and hyphens people type when copying an NHS number
 * (e.g. "943 476 5919" or "943-476-5919").
 */
export function normaliseNhsNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

/**
 * Checks an NHS number with the NHS modulus-11 algorithm.
 *
 * Spaces and hyphens are ignored. Numbers made of one repeated digit pass the
 * arithmetic but are never issued, so they are rejected.
 */
export function isValidNhsNumber(input: string): boolean {
  const digits = normaliseNhsNumber(input);
  if (!/^[0-9]{10}$/.test(digits)) return false;
  if (/^(\d)\1{9}$/.test(digits)) return false;

  let sum = 0;
  for (let i = 0; i < WEIGHTED_DIGITS; i++) {
    sum += Number(digits[i]) * (10 - i);
  }
  const check = 11 - (sum % 11);
  // 10 cannot be written as one digit, so such a prefix never gets issued.
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/**
 * Formats an NHS number in the 3-3-4 grouping used on NHS documents ("943 476 5919").
 *
 * Input that is not 10 digits after normalisation is returned unchanged, so a
 * display path never hides what the user actually typed.
 */
export function formatNhsNumber(n: string): string {
  const digits = normaliseNhsNumber(n);
  if (!/^[0-9]{10}$/.test(digits)) return n;
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
