import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-4 py-24 text-center">
      <p className="text-sm font-medium text-muted">404</p>
      <h1 className="mt-1 text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-muted">There is nothing at this address.</p>
      <Link href="/apps" className="mt-6 inline-block font-medium text-accent underline underline-offset-4">
        Back to your apps
      </Link>
    </main>
  );
}
