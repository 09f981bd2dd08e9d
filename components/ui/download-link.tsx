/** A `Download CSV` link (CONTRACT §8 "Export"): the REST path's CSV of what the table or chart shows. */
export function DownloadLink({ href, label = 'Download CSV' }: { href: string; label?: string }) {
  return (
    <a
      href={href}
      download
      className="rounded-sm text-sm text-accent underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent"
    >
      {label}
    </a>
  );
}
