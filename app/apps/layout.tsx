import type { ReactNode } from 'react';
import { SignedInFrame } from '@/components/frame/signed-in-frame';

export const dynamic = 'force-dynamic';

/** The frame of every signed-in page; a visitor without a valid session goes to /login and comes back. */
export default function AppsLayout({ children }: { children: ReactNode }) {
  return <SignedInFrame>{children}</SignedInFrame>;
}
