/**
 * @fileoverview A data set of one's own from a CSV file: the file's text
 * parsed into named columns of numbers (a header row is detected), then the
 * columns the learner chose as inputs and targets made into the config's
 * `data`.  Every error names the file's row (1-based, the header counted) and
 * the column.  The limits of `data` are the server's: its refusal is put in
 * the file's terms by `serverProblem`.  The page's own, far above them, keep
 * a file too large to use from being parsed whole or drawn.
 */

import { count } from '../lib/format.js';

// What the page reads of a file, each far above what `data` may hold (the server's limits, which it
// says in the file's terms); past one the file is refused before the rest of it is parsed or drawn.
export const MAX_FILE_BYTES = 4_000_000; // a file read into the page at once
export const MAX_CSV_COLUMNS = 2_000; // cells of a row: the panel draws a menu for each column
export const MAX_CSV_ROWS = 20_000; // rows of numbers, the header not counted
const DELIMITERS = [',', ';', '\t'];
const NAME_CHARS = 40; // a column's name as the panel shows it

/**
 * The cells of one line: fields split at `delim`, double quotes around a
 * field allowed; at most `limit` of them (the rest of the line is not looked at).
 */
function cells(line, delim, limit) {
  if (!line.includes('"')) return line.split(delim, limit).map((c) => c.trim());
  const out = [];
  let cell = '';
  let blank = true; // the cell holds only spaces so far: a quote here opens a quoted field
  let quoted = false;
  for (let i = 0; i < line.length && out.length < limit; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        blank = false;
        i++;
      } else if (ch === '"') quoted = false;
      else {
        cell += ch;
        if (ch.trim()) blank = false;
      }
    } else if (ch === '"' && blank) {
      quoted = true;
      cell = '';
    } else if (ch === delim) {
      out.push(cell.trim());
      cell = '';
      blank = true;
    } else {
      cell += ch;
      if (ch.trim()) blank = false;
    }
  }
  if (out.length < limit) out.push(cell.trim());
  return out;
}

/** How often `ch` occurs in `text`. */
function occurrences(text, ch) {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * The lines of `text` that hold something, each with its row in the file
 * (1-based), at most `max` of them; `more` when the file has others past them.
 */
function filledLines(text, max) {
  const lines = [];
  const end = /\r\n|\n|\r/g;
  for (let start = 0, row = 1; ; row++) {
    const m = end.exec(text);
    const line = text.slice(start, m ? m.index : text.length);
    if (line.trim() !== '') {
      if (lines.length === max) return { lines, more: true };
      lines.push({ line, row });
    }
    if (!m) return { lines, more: false };
    start = end.lastIndex;
  }
}

/** A cell as a number, or null when it is not one ("1e3", "-0.5" and " 2 " are).  No backtracking: a long cell is quick. */
function number(text) {
  if (!/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

const quote = (text) => `'${text.length > 24 ? `${text.slice(0, 24)}…` : text}'`;
const cellCount = (cs) => (cs.length > MAX_CSV_COLUMNS ? `more than ${count(MAX_CSV_COLUMNS)} cells` : `${cs.length} cell${cs.length === 1 ? '' : 's'}`);

/**
 * Parse a CSV text into {columns: [names], rows: [[numbers]], header: bool,
 * rowNumbers: the file's row of each of rows}; throws an Error whose message names
 * the row and the column of the first problem, or the page's limit the file is past.
 */
export function parseCsv(text) {
  const { lines, more } = filledLines(text.replace(/^\uFEFF/, ''), MAX_CSV_ROWS + 1);
  if (!lines.length) throw new Error('the file is empty');
  const first = lines[0].line;
  const delim = DELIMITERS.reduce((best, d) => (occurrences(first, d) > occurrences(first, best) ? d : best), ',');
  const head = cells(first, delim, MAX_CSV_COLUMNS + 1);
  if (head.length > MAX_CSV_COLUMNS) {
    throw new Error(`row ${lines[0].row} has ${cellCount(head)}; the page reads files of at most ${count(MAX_CSV_COLUMNS)} columns`);
  }
  const header = head.some((c) => number(c) === null);
  if (more || lines.length - (header ? 1 : 0) > MAX_CSV_ROWS) {
    throw new Error(`more than ${count(MAX_CSV_ROWS)} rows of numbers; the page reads files of at most ${count(MAX_CSV_ROWS)} rows`);
  }
  const name = (c, i) => (!c ? `column ${i + 1}` : c.length > NAME_CHARS ? `${c.slice(0, NAME_CHARS)}…` : c);
  const columns = head.map((c, i) => (header ? name(c, i) : `column ${i + 1}`));
  const body = header ? lines.slice(1) : lines;
  if (!body.length) throw new Error(`row ${lines[0].row} is a header and no row of numbers follows it`);
  const width = columns.length;
  const rows = body.map(({ row, line }, k) => {
    const cs = k === 0 && !header ? head : cells(line, delim, MAX_CSV_COLUMNS + 1);
    if (cs.length !== width) {
      const of = header ? `the header (row ${lines[0].row}) has` : `row ${body[0].row} has`;
      throw new Error(`row ${row} has ${cellCount(cs)}, but ${of} ${width}`);
    }
    return cs.map((c, i) => {
      const v = number(c);
      if (v === null) {
        throw new Error(`row ${row}, column ${quote(columns[i])}: ${c === '' ? 'the cell is empty' : `${quote(c)} is not a number`}`);
      }
      return v;
    });
  });
  return { columns, rows, header, rowNumbers: body.map((b) => b.row), delimiter: delim };
}

/** The columns' roles by default: the last column the target, every other an input. */
export function defaultRoles(columns) {
  return columns.map((_, i) => (i === columns.length - 1 ? 'target' : 'input'));
}

/** The config's `data` from the parsed table and a role per column ('input', 'target' or 'skip'). */
export function dataOf(table, roles) {
  const pick = (role) => roles.map((r, i) => (r === role ? i : -1)).filter((i) => i >= 0);
  const inputs = pick('input');
  const targets = pick('target');
  if (!inputs.length) throw new Error('choose at least one input column');
  if (!targets.length) throw new Error('choose at least one target column');
  return {
    data: { s: table.rows.map((r) => inputs.map((i) => r[i])), y: table.rows.map((r) => targets.map((i) => r[i])) },
    inputs: inputs.map((i) => table.columns[i]),
    targets: targets.map((i) => table.columns[i]),
  };
}

/**
 * The server's refusal of the data (its message and the field it names, such
 * as "data.s.3.1") in the file's terms: which row and column, or which limit.
 */
export function serverProblem(field, message, table, chosen) {
  const said = message.replace(/^[\w.]+: /, '');
  const m = /^data\.([sy])(?:\.(\d+))?(?:\.(\d+))?$/.exec(field || '');
  if (!m) return `the server refused the data: ${message}`;
  const [, which, r, c] = m;
  const names = which === 's' ? chosen.inputs : chosen.targets;
  const kind = which === 's' ? 'input' : 'target';
  if (c !== undefined) return `row ${table.rowNumbers[Number(r)]}, column ${quote(names[Number(c)])}: ${said}`;
  if (r !== undefined) return `too many ${kind} columns (${names.length}): ${said}`;
  return `too many rows (${table.rows.length}): ${said}`;
}

/**
 * The settings form's config ({config, errors} as it reads it), on the
 * session's own data when it has some: changing another setting keeps the
 * data; choosing a data set or TD mode leaves it.
 */
export function withOwnData(read, session, changed) {
  const data = session && session.config.data;
  if (!data || changed === 'dataset' || changed === 'mode' || read.config.environment) return read;
  const config = { ...read.config, data };
  delete config.dataset;
  return { ...read, config };
}
