import { buildBundles } from '../scripts/build/bundles';

/** Jest global setup: the functions' bundles, as `npm run bundle` builds them, for the construct to synthesize. */
export default async function setup(): Promise<void> {
  await buildBundles();
}
