/**
 * The allowlisted URL `redirectTo` names, or `undefined`: matched exactly after the same URL
 * normalization the allowlist had, with no prefixes or wildcards, so `https://app.example.com.evil.test`
 * or an extra path segment never passes.
 */
export function allowedRedirect(redirectUrls: readonly string[], redirectTo: string): string | undefined {
  const normalized = URL.canParse(redirectTo) ? new URL(redirectTo).href : undefined;
  return redirectUrls.find((url) => url === normalized);
}
