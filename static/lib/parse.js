/**
 * @fileoverview The page's one reader of typed numbers.  Every field where a
 * learner types a number (settings, the walk's settings, the weight and sample
 * editors, the quiz, the class question) comes through here, so a slip reads
 * the same everywhere; whether the number is in range is the server's to judge.
 * Numbers are read as people type them, on phones too: a decimal comma, the
 * minus sign (U+2212) and the dashes that autocorrect puts for a hyphen.
 */

/** Dashes a phone's keyboard or autocorrect types for a minus: all read as '-'. */
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2212\uFE63\uFF0D]/g;
/** A plain decimal after the above are mended: sign, digits, one point, an exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** Beyond this the number is a slip, and 1e309 is already Infinity. */
const LARGEST = 1e300;
const EXAMPLE = 'such as -0.25 or -0,25';

/**
 * The number in `text`, or an Error whose message names the field `name` and
 * says what is wrong and what to type.  `whole` asks for a whole number (a count, a seed).
 * @param {string} text  @param {string} name  @param {{whole?: boolean}} [options]
 * @returns {number|Error}
 */
export function parseNumber(text, name, { whole = false } = {}) {
  const raw = String(text).trim();
  const wrong = (why) => new Error(`${name}: ${why}`);
  if (raw === '') return wrong(`empty: type a number, ${EXAMPLE}`);
  const mended = raw.replace(DASHES, '-').replace(/\uFF0B/g, '+').replace(/^([+-])\s+/, '$1');
  const commas = (mended.match(/,/g) || []).length;
  if (commas && mended.includes('.')) {
    return wrong(`“${raw}” has both a comma and a point, so which is the decimal one is unclear: type no thousands separators, such as 1234.5`);
  }
  if (commas > 1) return wrong(`“${raw}” has ${commas} commas: type one number, with at most one decimal comma or point`);
  if (commas && whole) return wrong(`must be a whole number, without commas, such as 1000`);
  if (/^[+-]?(infinity|∞|nan)$/i.test(mended)) return wrong(`“${raw}” is not a number you can send: type a finite number, ${EXAMPLE}`);
  const plain = mended.replace(',', '.');
  if (!DECIMAL.test(plain)) {
    if (/[^\d\se.,+-]/i.test(plain)) return wrong(`“${raw}” has letters or signs a number does not: type digits, ${EXAMPLE}`);
    return wrong(`“${raw}” is not a number`);
  }
  const value = Number(plain);
  if (!Number.isFinite(value) || Math.abs(value) > LARGEST) return wrong(`“${raw}” is too large: the limit is 1e300 either way`);
  if (whole && !Number.isInteger(value)) return wrong('must be a whole number');
  return value;
}

/** `text` with its sign changed: a leading minus (or a dash typed for one) taken off, else put on. */
export function toggleSign(text) {
  const raw = String(text).trim();
  const sign = raw.match(/^[+\-\u2010-\u2014\u2212\uFE63\uFF0B\uFF0D]\s*/);
  const rest = sign ? raw.slice(sign[0].length) : raw;
  return sign && sign[0].trim() !== '+' && sign[0].trim() !== '\uFF0B' ? rest : `-${rest}`;
}
