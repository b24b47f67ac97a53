/**
 * The CSV half shared by the transactions and users readers: header matching by name, field-count
 * and UTF-8 checks, then a source-specific row check.
 *
 * @module
 */

import { CsvRecord } from './csv-record.js';
import { InputFormatError } from './read-result.js';
import { type RecordSink, type Rejection, reject } from './record-driver.js';
import { invalidUtf8At } from './utf8.js';

/**
 * A {@link RecordSink} for CSV with a header row. The header is matched by name (any order, extra
 * columns ignored); a missing required column throws {@link InputFormatError}. Subclasses get the
 * split record and, per wanted column (required then optional, in declared order), its field index
 * or -1 when an optional column is absent.
 */
export abstract class CsvSink implements RecordSink {
  awaitingHeader = true;
  /** Rows appended. */
  valid = 0;
  protected path = '';
  protected readonly csv = new CsvRecord();
  protected readonly columns: Int32Array;
  private headerCount = 0;
  private readonly wanted: readonly string[];

  constructor(
    private readonly required: readonly string[],
    optional: readonly string[],
  ) {
    this.wanted = [...required, ...optional];
    this.columns = new Int32Array(this.wanted.length);
  }

  startFile(path: string): void {
    this.path = path;
    this.awaitingHeader = true;
  }

  record(bytes: Uint8Array, start: number, end: number): Rejection | undefined {
    const csv = this.csv;
    csv.split(bytes, start, end);
    if (this.awaitingHeader) {
      this.readHeader();
      return undefined;
    }
    if (csv.nonAscii) {
      const bad = invalidUtf8At(bytes, start, end);
      if (bad >= 0) return reject('invalid_utf8', `not valid UTF-8: invalid byte at offset ${bad - start}`);
    }
    if (csv.count !== this.headerCount) {
      return reject(
        'wrong_field_count',
        `expected ${this.headerCount} fields (as in the header), got ${csv.count}`,
      );
    }
    return this.row(csv, this.columns);
  }

  /** Validates the record and, when valid, appends it. Must append nothing when it rejects. */
  protected abstract row(csv: CsvRecord, columns: Int32Array): Rejection | undefined;

  private readHeader(): void {
    const csv = this.csv;
    const names: string[] = [];
    for (let k = 0; k < csv.count; k++) names.push(csv.text(k));
    const missing: string[] = [];
    this.wanted.forEach((name, w) => {
      const first = names.indexOf(name);
      if (first >= 0 && names.indexOf(name, first + 1) >= 0) {
        throw new InputFormatError(
          this.path,
          `the header names column "${name}" twice: ${JSON.stringify(names)}`,
        );
      }
      this.columns[w] = first;
      if (first < 0 && w < this.required.length) missing.push(name);
    });
    if (missing.length > 0) {
      throw new InputFormatError(
        this.path,
        `the CSV header lacks required column(s) ${missing.join(', ')}; it has ${names.join(', ')}. ` +
          `Expected a header row naming ${this.required.join(', ')} (any order).`,
        missing,
      );
    }
    this.headerCount = csv.count;
    this.awaitingHeader = false;
  }
}
