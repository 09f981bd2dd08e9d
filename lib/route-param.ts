/** A dynamic route segment as typed by the user: percent-decoded once, left as is when it is not valid encoding. */
export function routeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The app id of a page path (`/apps/{id}` and below, query string ignored), as its pages read it with routeParam; null elsewhere. */
export function appRefOfPath(path: string | null): string | null {
  const segment = path ? /^\/apps\/([^/?#]+)/.exec(path)?.[1] : undefined;
  return segment ? routeParam(segment) : null;
}
