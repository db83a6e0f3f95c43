/** Stops the emulator global setup started (a no-op for one given through AWS_ENDPOINT_URL). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.magicLinkEmulator?.stop();
  globalThis.magicLinkEmulator = undefined;
}
