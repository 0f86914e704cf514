/**
 * @fileoverview The page's one reader of typed numbers.  Every field where a
 * learner types a number (settings, the walk's settings, the weight and sample
 * editors, the quiz) comes through here, so a slip reads the same everywhere;
 * whether the number is in range is the server's to judge.
 */

/**
 * The number in `text`, or an Error whose message names the field `name` and
 * says what is wrong.  `whole` asks for a whole number (a count, a seed).
 * @param {string} text  @param {string} name  @param {{whole?: boolean}} [options]
 * @returns {number|Error}
 */
export function parseNumber(text, name, { whole = false } = {}) {
  const raw = String(text).trim();
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value)) return new Error(`${name}: “${raw}” is not a number`);
  if (whole && !Number.isInteger(value)) return new Error(`${name}: must be a whole number`);
  return value;
}
