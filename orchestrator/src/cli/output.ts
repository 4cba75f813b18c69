/** Plain output for people (aligned tables, short lines) and JSON documents for scripts. */

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(headers), ...rows.map(render)];
}

/** A table, or one line saying there is nothing to list. */
export function tableOrNone(headers: readonly string[], rows: readonly (readonly string[])[], none: string): string[] {
  return rows.length === 0 ? [none] : formatTable(headers, rows);
}

/** `key: value` lines with the values aligned. */
export function formatFields(fields: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...fields.map(([key]) => key.length)) + 1;
  return fields.map(([key, value]) => `${`${key}:`.padEnd(width)} ${value}`);
}

export const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

export const listOrDash = (items: readonly string[]): string => (items.length > 0 ? items.join(', ') : '-');

export function toJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
