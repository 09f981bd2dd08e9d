import Link from 'next/link';

export default function AppNotFound() {
  return (
    <div data-state="not-found" className="mx-auto max-w-lg py-24 text-center">
      <p className="text-sm font-medium text-muted">404</p>
      <h1 className="mt-1 text-2xl font-semibold">App not found</h1>
      <p className="mt-2 text-muted">This app does not exist, or you do not have access to it.</p>
      <Link href="/apps" className="mt-6 inline-block font-medium text-accent underline underline-offset-4">
        Back to your apps
      </Link>
    </div>
  );
}
