import type { HTMLAttributes, ReactNode } from 'react';

/** A bordered surface; sections of a page sit in these. */
export function Card({ className = '', ...props }: HTMLAttributes<HTMLElement>) {
  return <section className={`rounded-xl border border-line bg-surface ${className}`} {...props} />;
}

/** A card's title row: heading on the left, small actions or status on the right. */
export function CardHeader({ title, id, children }: { title: string; id?: string; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 pt-4 pb-2">
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      {children && <div className="flex flex-wrap items-center gap-3 text-sm text-muted">{children}</div>}
    </div>
  );
}
