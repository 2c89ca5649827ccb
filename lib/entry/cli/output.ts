import 'server-only';
/** Plain-text output for humans; --json for machines. */
export interface Output {
  json: boolean;
  print(line?: string): void;
  table<T extends Record<string, unknown>>(rows: T[], columns: { key: keyof T & string; label: string }[]): void;
  data(value: unknown): void;
  /** Raw text as is (streamed exports). */
  write(text: string): void;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function createOutput(json: boolean, write: (text: string) => void = (text) => process.stdout.write(text)): Output {
  return {
    json,
    print(line = '') {
      write(`${line}\n`);
    },
    table(rows, columns) {
      if (json) {
        write(`${JSON.stringify(rows, jsonReplacer, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        write('(none)\n');
        return;
      }
      const widths = columns.map((column) => Math.max(column.label.length, ...rows.map((row) => cell(row[column.key]).length)));
      const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i]!)).join('  ').trimEnd();
      write(`${line(columns.map((column) => column.label.toUpperCase()))}\n`);
      for (const row of rows) write(`${line(columns.map((column) => cell(row[column.key])))}\n`);
    },
    data(value) {
      write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
    },
    write(text) {
      write(text);
    },
  };
}
