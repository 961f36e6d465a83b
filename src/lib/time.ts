/** UTC ISO-8601 text, the form instants are stored in. */
export const isoNow = (d: Date) => d.toISOString();
