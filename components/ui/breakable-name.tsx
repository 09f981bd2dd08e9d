import { Fragment } from 'react';

/** An identifier that may wrap after `_`, `-`, `.` or `/` (never inside a word): `price_<wbr>history`. */
export function BreakableName({ name }: { name: string }) {
  const parts = name.split(/(?<=[_\-./])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}
