import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Nothing is fetched at build or run time: no remote images, fonts or telemetry.
  images: { unoptimized: true },
};

export default nextConfig;
