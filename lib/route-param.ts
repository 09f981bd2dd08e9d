/** A dynamic route segment as typed by the user: percent-decoded once, left as is when it is not valid encoding. */
export function routeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
