/**
 * The 12-digit My Number (個人番号) and its check digit (検査用数字).
 *
 * The rule is 総務省令第八十五号 (the ordinance under 番号法施行令第8条) 第5条:
 *   check digit = 11 − (Σ_{n=1..11} Pn × Qn mod 11), or 0 when that remainder is 0 or 1,
 * where Pn is the n-th digit of the first 11 digits counted from the right (n = 1 is the 11th
 * digit of the number) and Qn = n + 1 for 1 ≤ n ≤ 6, n − 5 for 7 ≤ n ≤ 11 — i.e. weights
 * 2,3,4,5,6,7,2,3,4,5,6 from the right.
 */

export const MY_NUMBER_FORMAT = /^[0-9]{12}$/;

/** The check digit for the first 11 digits of a My Number. */
export function myNumberCheckDigit(first11: string): number {
  if (!/^[0-9]{11}$/.test(first11)) {
    throw new RangeError(`myNumberCheckDigit: give exactly the first 11 digits of a My Number (received ${first11.length} characters)`);
  }
  let sum = 0;
  for (let n = 1; n <= 11; n += 1) {
    const p = Number(first11[11 - n]);
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const remainder = sum % 11;
  return remainder <= 1 ? 0 : 11 - remainder;
}

/** True for 12 ASCII digits whose last digit is the check digit of the other 11. */
export function isValidMyNumber(value: string): boolean {
  return MY_NUMBER_FORMAT.test(value) && myNumberCheckDigit(value.slice(0, 11)) === Number(value[11]);
}
