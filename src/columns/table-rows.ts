import { DataType, type Table, type Vector } from 'apache-arrow';
import { formatDay, formatTimestamp } from '../time/index.js';
import { nullFlags, numberView } from './column-views.js';

/** A JSON value of one cell in goldsmith's exchange representation. */
export type CellValue = string | number | boolean | string[] | null;

/** Formats an unscaled decimal integer with `scale` fraction digits, exactly (`125050`, 2 → `"1250.50"`). */
export function formatDecimal(unscaled: number, scale: number): string {
  const negative = unscaled < 0;
  const digits = String(Math.abs(unscaled)).padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function cells(vector: Vector): CellValue[] {
  const type = vector.type as DataType;
  const n = vector.length;
  const nulls = nullFlags(vector);
  const out: CellValue[] = new Array(n);
  if (
    DataType.isTimestamp(type) ||
    DataType.isDate(type) ||
    DataType.isDecimal(type) ||
    DataType.isInt(type)
  ) {
    const values = numberView(vector);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (nulls?.[i]) out[i] = null;
      else if (DataType.isTimestamp(type)) out[i] = formatTimestamp(v);
      else if (DataType.isDate(type))
        out[i] = formatDay(DataType.isDate(type) && type.unit === 1 ? Math.floor(v / 86_400_000) : v);
      else if (DataType.isDecimal(type)) out[i] = formatDecimal(v, type.scale);
      else out[i] = v;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = vector.get(i) as unknown;
    if (nulls?.[i] || v === null || v === undefined) out[i] = null;
    else if (DataType.isList(type)) out[i] = [...(v as Iterable<string>)];
    else out[i] = v as string | boolean | number;
  }
  return out;
}

/**
 * Converts an Arrow table to plain JSON rows in goldsmith's exchange representation (the zod
 * schemas' shape): timestamps ISO-8601 UTC with microseconds, dates `YYYY-MM-DD`, decimals as
 * exact strings, lists as arrays. For tests, exports and small results — not a hot path.
 *
 * @example
 * GoldRow.array().parse(tableToRows(result.gold));
 */
export function tableToRows(table: Table): Record<string, CellValue>[] {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((name) => cells(table.getChild(name)!));
  const rows: Record<string, CellValue>[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, CellValue> = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = columns[c]![r]!;
    rows[r] = row;
  }
  return rows;
}
