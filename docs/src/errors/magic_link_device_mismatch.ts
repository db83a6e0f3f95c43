import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_device_mismatch',
  title: 'Magic Link Device Mismatch',
  summary: 'This sign-in is bound to the browser that asked for it. Open the link there, or type the code from the email on that device.',
  whatItMeans: [
    'The sign-in was requested with a `code_challenge`, which binds it to the browser that holds the matching `code_verifier`. This verify request came with the link\'s token but without that verifier, or with another one, so it is not from that browser. The link was not used up: it still signs in from the browser that asked, and the 6-digit code in the same email still works when typed there.',
  ],
  whenYoullSeeThis: [
    'The person asked for a link on their laptop and opened the email on their phone (or in another browser on the same computer).',
    'An email security scanner opened the link in a real browser and clicked through your sign-in page. It has no verifier, so it gets this error and the link stays usable for the person.',
    'Your sign-in page lost the verifier, for example because it kept it in `sessionStorage` of another tab, or the browser\'s storage was cleared between the request and the click.',
    'The link was forwarded to someone else.',
  ],
  learnMore: [
    'Binding follows RFC 7636 (PKCE): the requesting browser makes a random `code_verifier`, keeps it, and sends only its SHA-256 (`code_challenge`) with `POST /v1/auth/magic-link`. Verify succeeds only when it carries the verifier whose hash matches. Whoever holds the link alone (a scanner, a forwarded email, someone reading over a shoulder) cannot finish the sign-in.',
    'A mismatch changes nothing: the link is not consumed and its lifetime is not shortened. A link that is already used or expired reports `magic_link_already_used` or `magic_link_expired` instead, whichever browser asks. Links requested without a `code_challenge` are not bound and never give this error. Only the link path answers this: a code typed in another browser is answered, and counted, as a wrong code (`magic_link_code_invalid`), since a code can be guessed and a distinct answer would tell a guesser that the guess was right.',
  ],
  quickFix: [
    'Open the link on the device and in the browser where you asked to sign in.',
    'Or, on that device, type the 6-digit code from the same email into the sign-in page.',
    'If neither is possible, request a new link from the device you are on now.',
  ],
  recovery:
    'UI-layer handling: don\'t retry, the same request fails the same way. Show the person that the link belongs to the device where they asked, and offer a code field there (`POST /v1/auth/verify` with `{"email", "code", "code_verifier"}`), or a way to request a new link from this device. Keep the verifier where every tab of the requesting browser can read it (for example `localStorage`), so opening the link in a new tab of the same browser works.',
  avoid: [
    'Store the `code_verifier` in the requesting browser before sending the request, where a new tab of that browser can read it, and delete it after a successful sign-in.',
    'Show the code field right after the request, so a person who reads the email on another device can finish on this one.',
    'Never send the verifier anywhere but `POST /v1/auth/verify`, and never put it in a URL.',
  ],
} satisfies ErrorDoc;
