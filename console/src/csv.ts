/** CSV of what a page shows (RFC 4180: a field with a comma, quote or line break is quoted). */

export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export function runsCsv(
  runs: readonly { id: string; date: string; status: string; settlements?: number }[],
): string {
  return toCsv(
    ['id', 'date', 'status', 'settlements'],
    runs.map((r) => [r.id, r.date, r.status, r.settlements ?? '']),
  );
}
