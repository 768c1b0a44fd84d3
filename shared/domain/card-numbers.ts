/**
 * Finds payment card numbers (PANs) in free text, so a request carrying one can be refused before it is
 * stored or logged anywhere (PCI DSS: this system never handles card data).
 *
 * What counts as a card number: 13–19 digits that pass the Luhn check, written together or with spaces
 * or dashes between digits (`4111 1111 1111 1111`, `4111-1111-1111-1111`, `4111 - 1111…`; at most
 * MAX_SEPARATOR_RUN of them between two digits, and the look-alikes text editors put there: no-break and
 * other Unicode spaces, hyphens and en/em dashes). Digits joined that way form a *run*; the groups of
 * plain digits inside it are its building blocks. A number is found when some consecutive groups of a run
 * hold 13–19 digits together and pass Luhn; so a card number next to other digits with a space between
 * (`qty 2 4111 1111 1111 1111`) is found, while one group of plain digits is judged whole: a 16-digit
 * order number that fails Luhn is never refused because 13 of its digits happen to pass.
 *
 * Cost: one pass over the text, then per group at most 19 candidate spans, each checked in O(1) from
 * prefix sums (measured in docs/architecture.md, "Gateway guard").
 */

export const PAN_MIN_DIGITS = 13;
export const PAN_MAX_DIGITS = 19;
/** Separator characters allowed between two digits of one number, in a row. */
export const MAX_SEPARATOR_RUN = 3;

/** Spaces and dashes, including the Unicode look-alikes word processors and phones insert. */
function isSeparator(code: number): boolean {
  if (code === 0x20 || code === 0x2d) return true; // space, hyphen-minus: nearly every case
  if (code < 0x80) return code >= 0x09 && code <= 0x0d; // tab, line breaks
  return (
    code === 0xa0 || // no-break space
    (code >= 0x2000 && code <= 0x200b) || // typographic spaces
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    (code >= 0x2010 && code <= 0x2015) || // hyphens, figure dash, en and em dashes
    code === 0x2212 // minus sign
  );
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The Luhn check of a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Scratch space reused across calls (one scan at a time: JavaScript is single-threaded), grown to the
 * longest text seen: `even[k]` / `odd[k]` sum digits[0..k) as Luhn weighs them when the check digit has
 * an even / odd index (that parity as is, the other doubled); `starts` holds where each group begins.
 */
let even = new Int32Array(64);
let odd = new Int32Array(64);
let starts = new Int32Array(64);

function reserve(size: number): void {
  if (even.length >= size) return;
  const length = Math.max(size, even.length * 2);
  even = new Int32Array(length);
  odd = new Int32Array(length);
  starts = new Int32Array(length);
}

/** True when `text` holds a card number (see the module comment for what counts). */
export function containsCardNumber(text: string): boolean {
  // Fewer digits than a card number in the whole text: nothing to look at (most strings).
  let count = 0;
  for (let i = 0; i < text.length && count < PAN_MIN_DIGITS; i++) if (isDigit(text.charCodeAt(i))) count++;
  if (count < PAN_MIN_DIGITS) return false;
  reserve(text.length + 1);

  let i = 0;
  while (i < text.length) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    // A run starts here: groups of digits joined by short separator runs.
    let n = 0;
    let groups = 0;
    for (;;) {
      starts[groups++] = n;
      for (let code = text.charCodeAt(i); i < text.length && isDigit(code); code = text.charCodeAt(++i)) {
        const d = code - 48;
        const twice = d > 4 ? d * 2 - 9 : d * 2;
        even[n + 1] = (even[n] as number) + ((n & 1) === 0 ? d : twice);
        odd[n + 1] = (odd[n] as number) + ((n & 1) === 0 ? twice : d);
        n++;
      }
      let j = i;
      while (j < text.length && j - i <= MAX_SEPARATOR_RUN && isSeparator(text.charCodeAt(j))) j++;
      if (j > i && j - i <= MAX_SEPARATOR_RUN && j < text.length && isDigit(text.charCodeAt(j))) i = j;
      else break;
    }
    if (n >= PAN_MIN_DIGITS && runHoldsCardNumber(n, groups)) return true;
  }
  return false;
}

/**
 * Whether consecutive groups of the run just read (`n` digits in `groups` groups) hold a span of 13–19
 * digits that passes Luhn: the span's sum is a difference of the prefix sums of its check digit's parity.
 */
function runHoldsCardNumber(n: number, groups: number): boolean {
  for (let g = 0; g < groups; g++) {
    const start = starts[g] as number;
    for (let h = g + 1; h <= groups; h++) {
      const end = h < groups ? (starts[h] as number) : n;
      const length = end - start;
      if (length > PAN_MAX_DIGITS) break;
      if (length < PAN_MIN_DIGITS) continue;
      const sums = ((end - 1) & 1) === 0 ? even : odd;
      if (((sums[end] as number) - (sums[start] as number)) % 10 === 0) return true;
    }
  }
  return false;
}
