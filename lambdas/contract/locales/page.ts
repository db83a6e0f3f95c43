/**
 * The hosted sign-in page's words, one catalog per locale (`./<tag>/page.ts`), and the browser
 * module's. `{appName}`, `{email}` and `{duration}` are filled in where they appear; nothing else is.
 * Runs in Node and in browsers: no imports beyond types.
 */
import type { Locale } from '../locales';
import type { MessageStrings } from './messages';

/** Everything the sign-in module says in one language: the page's words and the client's error sentences. */
export interface Language {
  readonly locale: Locale;
  readonly page: PageStrings;
  readonly messages: MessageStrings;
}

export interface PageStrings {
  /** The heading and title without an app name. */
  readonly signIn: string;
  /** The heading and title with one. */
  readonly signInTo: string;
  readonly intro: string;
  readonly emailLabel: string;
  readonly sendLink: string;
  readonly sending: string;
  /** No answer from the API (the network, not a refusal). */
  readonly unreachable: string;
  readonly checkEmail: string;
  /** `{email}` is shown emphasised. */
  readonly sentTo: string;
  readonly codeLabel: string;
  readonly signInWithCode: string;
  readonly sendAnother: string;
  /** `{duration}`: "45 seconds" in the page's language. */
  readonly resendIn: string;
  readonly useDifferentEmail: string;
  readonly signingIn: string;
  readonly finishSigningIn: string;
  readonly clickToSignIn: string;
  readonly emailNewLink: string;
  readonly signedIn: string;
  /** `{email}` is shown emphasised. */
  readonly signedInAs: string;
  readonly takingYouBack: string;
  /** What a signed-in person without a redirect is told to do next. */
  readonly nextStep: string;
  readonly needsJavaScript: string;
  /** The link to the brand's support address or page. */
  readonly support: string;
  readonly redirectRefusedTitle: string;
  readonly redirectRefusedHeading: string;
  readonly redirectRefusedText: string;
  readonly requestInvalidTitle: string;
  readonly requestInvalidHeading: string;
  readonly requestInvalidAdvice: string;
}

/** How every catalog's strings are filled in (the mail's renderer too). */
export { fill } from '../../domain/fill';
