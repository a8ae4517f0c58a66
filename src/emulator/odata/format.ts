/**
 * Wire formats: DateTimeOffset as `YYYY-MM-DDTHH:mm:ssZ` (UTC, no fraction, as Dataverse writes them),
 * DateOnly as `YYYY-MM-DD`, and the en-US FormattedValue annotations (user time zone taken as UTC).
 */
const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

export function isoDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

export function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `4/7/2023 2:59 PM` */
export function formattedDateTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${formattedDate(ms)} ${h12}:${pad(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}

export function formattedDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `$20,000.00`, `-$5.50` */
export function formattedMoney(n: number): string {
  const [int, frac] = Math.abs(n).toFixed(2).split('.');
  return `${n < 0 ? '-' : ''}$${groupThousands(int!)}.${frac}`;
}

export function formattedNumber(n: number): string {
  const [int, frac] = String(Math.abs(n)).split('.');
  return `${n < 0 ? '-' : ''}${groupThousands(int!)}${frac ? `.${frac}` : ''}`;
}

/** Two-option labels of the standard columns (most are Yes/No). */
const BOOLEAN_LABELS: Record<string, [string, string]> = {
  donotemail: ['Allow', 'Do Not Allow'],
  donotbulkemail: ['Allow', 'Do Not Allow'],
  donotphone: ['Allow', 'Do Not Allow'],
  isdisabled: ['Enabled', 'Disabled'],
};

export function formattedBoolean(column: string, v: boolean): string {
  const labels = BOOLEAN_LABELS[column] ?? ['No', 'Yes'];
  return v ? labels[1] : labels[0];
}
