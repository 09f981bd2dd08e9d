import type { ReactNode } from 'react';
import { SignedInFrame } from '@/components/frame/signed-in-frame';

export const dynamic = 'force-dynamic';

/** /account sits in the same signed-in frame as the apps. */
export default function AccountLayout({ children }: { children: ReactNode }) {
  return <SignedInFrame>{children}</SignedInFrame>;
}
