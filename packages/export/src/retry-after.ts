/**
 * `Retry-After` (RFC 9110 §10.2.3), read once for every HTTP-based transport
 * (the HTTP transport here, `@envelope/otlp`'s OTLP/HTTP transport).
 *
 * @see docs/spec.md, section "HTTP transport"
 */

const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAY_NAMES = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const DAY = `(${DAY_NAMES.join("|")})`;
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "([0-9]{2}):([0-9]{2}):([0-9]{2})";
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAY}, ([0-9]{2}) ${MONTH} ([0-9]{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete, still to be accepted) */
const RFC850_DATE = new RegExp(
  `^(${LONG_DAY_NAMES.join("|")}), ([0-9]{2})-${MONTH}-([0-9]{2}) ${TIME} GMT$`,
);
/** `Sun Nov  6 08:49:37 1994` (obsolete, still to be accepted) */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([0-9]{2}| [0-9]) ${TIME} ([0-9]{4})$`);

/**
 * A `Retry-After` field value as milliseconds to wait, or `undefined` when it
 * is absent or not one of the forms RFC 9110 allows (§10.2.3, §5.6.7):
 *
 * - delay-seconds, a non-negative decimal integer: `"120"` is 120,000 ms
 *   (a value too large for a number is `Number.MAX_SAFE_INTEGER` ms);
 * - an HTTP-date in any of its three formats, case-sensitive, always GMT:
 *   IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
 *   (`Sunday, 06-Nov-94 08:49:37 GMT`; a two-digit year more than 50 years
 *   ahead of `now` is read as the most recent past year with those digits) and
 *   asctime (`Sun Nov  6 08:49:37 1994`). The time until that date; a date
 *   in the past is 0. The day name must be a day name but is not checked
 *   against the date; an impossible date (`31 Feb`, hour 24) is ignored.
 *
 * Anything else (`"-1"`, `"1.5"`, `"+3"`, `"3 s"`, an ISO date, a date in
 * another zone) is ignored, as the RFC says a recipient may do. Spaces and
 * tabs around the value are dropped (they are not part of a field value).
 *
 * Which statuses make a request worth retrying is each transport's protocol,
 * not this function's: see `isRetryableStatus` (HTTP transport) and
 * `@envelope/otlp` (429, 502, 503, 504).
 *
 * @param value The field value, as `Headers.get("retry-after")` returns it.
 * @param now The current time in milliseconds since the UNIX epoch. Default `Date.now()`.
 * @see docs/spec.md, section "HTTP transport"
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.replace(/^[ \t]+|[ \t]+$/g, "");
  if (/^[0-9]+$/.test(text)) return Math.min(Number(text) * 1000, Number.MAX_SAFE_INTEGER);
  const date = parseHttpDate(text, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/** An HTTP-date (RFC 9110 §5.6.7) as milliseconds since the UNIX epoch, or `undefined`. */
function parseHttpDate(text: string, now: number): number | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m !== null) return utc(Number(m[4]), m[3]!, Number(m[2]), m[5]!, m[6]!, m[7]!);
  m = RFC850_DATE.exec(text);
  if (m !== null) {
    // RFC 9110: a two-digit year more than 50 years in the future is the most
    // recent past year with the same last two digits.
    const nowYear = new Date(now).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(m[4]);
    if (year > nowYear + 50) year -= 100;
    return utc(year, m[3]!, Number(m[2]), m[5]!, m[6]!, m[7]!);
  }
  m = ASCTIME_DATE.exec(text);
  if (m !== null) return utc(Number(m[7]), m[2]!, Number(m[3]!.trim()), m[4]!, m[5]!, m[6]!);
  return undefined;
}

function utc(
  year: number,
  month: string,
  day: number,
  hour: string,
  minute: string,
  second: string,
): number | undefined {
  const monthIndex = MONTHS.indexOf(month);
  const h = Number(hour);
  const min = Number(minute);
  const s = Number(second);
  // Day 0 of the next month is the last day of this one; second 60 is a leap second.
  const daysInMonth = new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth || h > 23 || min > 59 || s > 60) return undefined;
  const ms = Date.UTC(year, monthIndex, day, h, min, s);
  // Date.UTC maps years 0-99 to 1900-1999; an HTTP-date's year is four digits, taken as written.
  return year < 100 ? new Date(ms).setUTCFullYear(year) : ms;
}
