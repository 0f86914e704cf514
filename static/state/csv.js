/**
 * @fileoverview A data set of one's own from a CSV file: the file's text
 * parsed into named columns of numbers (a header row is detected), then the
 * columns the learner chose as inputs and targets made into the config's
 * `data`.  Every error names the file's row (1-based, the header counted) and
 * the column.  The limits of `data` are the server's: its refusal is put in
 * the file's terms by `serverProblem`.
 */

export const MAX_FILE_BYTES = 4_000_000; // a file read into the page at once; far above what `data` may hold
const DELIMITERS = [',', ';', '\t'];

/** The cells of one line: fields split at `delim`, double quotes around a field allowed. */
function cells(line, delim) {
  const out = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delim) {
      out.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

/** A cell as a number, or null when it is not one ("1e3", "-0.5" and " 2 " are). */
function number(text) {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

const quote = (text) => `'${text.length > 24 ? `${text.slice(0, 24)}…` : text}'`;

/**
 * Parse a CSV text into {columns: [names], rows: [[numbers]], header: bool,
 * rowNumbers: the file's row of each of rows}; throws an Error whose message names
 * the row and the column of the first problem.
 */
export function parseCsv(text) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const numbered = lines.map((line, i) => ({ line, row: i + 1 })).filter((l) => l.line.trim() !== '');
  if (!numbered.length) throw new Error('the file is empty');
  const first = numbered[0].line;
  const delim = DELIMITERS.reduce((best, d) => (first.split(d).length > first.split(best).length ? d : best), ',');
  const split = numbered.map((l) => ({ row: l.row, cells: cells(l.line, delim) }));
  const header = split[0].cells.some((c) => number(c) === null);
  const columns = header ? split[0].cells.map((c, i) => c || `column ${i + 1}`) : split[0].cells.map((_, i) => `column ${i + 1}`);
  const body = header ? split.slice(1) : split;
  if (!body.length) throw new Error(`row ${split[0].row} is a header and no row of numbers follows it`);
  const width = columns.length;
  const rows = body.map(({ row, cells: cs }) => {
    if (cs.length !== width) {
      const of = header ? `the header (row ${split[0].row}) has` : `row ${body[0].row} has`;
      throw new Error(`row ${row} has ${cs.length} cell${cs.length === 1 ? '' : 's'}, but ${of} ${width}`);
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
