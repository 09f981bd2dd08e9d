/** A `Download CSV` link (CONTRACT §8 "Export"): the REST path's CSV of what the table or chart shows; `fileName` names a `data:` one. */
export function DownloadLink({ href, label = 'Download CSV', fileName }: { href: string; label?: string; fileName?: string }) {
  return (
    <a
      href={href}
      download={fileName ?? true}
      className="rounded-sm text-sm text-accent underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent"
    >
      {label}
    </a>
  );
}
