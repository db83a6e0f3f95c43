import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ErrorDoc } from '../../docs/src/error-doc';
import { ERROR_DOCS } from '../../docs/src/errors';
import { ERROR_CODES } from '../../lambdas/contract/errors';
import { ERRORS_DIR } from '../../scripts/docs/render';

/**
 * Mail scanners open links in real browsers and run the page, so a sign-in page must post the token
 * only after a person clicks (the hosted page and client/sign-in.ts do). No error page may advise
 * otherwise. A sentence counts as such advice when it names a moment of page load or of no click
 * together with sending the token.
 */
const LOAD_MOMENTS = [
  /\bon (the )?(page[- ]?)?(load|open|mount)\b/i,
  /\b(at|during|after) page[- ]?load\b/i,
  /\b(as soon as|when(ever)?|once|after|as|right after|immediately after) (the |your |its |a )?(sign-in )?(page|it|link|tab|url) (is |has |first )?(loads?|loaded|loading|opens?|opened|mounts?|mounted|renders?|rendered)\b/i,
  /\b(DOMContentLoaded|onload|load event|useEffect)\b/i,
  /\bimmediately (when|after|on|as|upon)\b/i,
  /\bwithout (waiting for |asking for )?(a|any|the) (click|confirmation|user action|user gesture|person's click)\b/i,
  /\bauto-?(post|submit|verify|sign)/i,
];
const SENDING = /\b(post|posts|posting|posted|send|sends|sending|submit|submits|submitting|call|calls|calling|verify|verifies|verifying|consume|consumes|redeem|redeems|exchange|exchanges)\b|\/v1\/auth\/verify/i;

function advisesPostingOnLoad(sentence: string): boolean {
  return SENDING.test(sentence) && LOAD_MOMENTS.some((moment) => moment.test(sentence));
}

/** Sentences of some prose or code: split at line breaks and at a full stop, `!` or `?` before a space. */
const sentences = (text: string) => text.split(/\n|(?<=[.!?])\s+/).map((sentence) => sentence.trim()).filter(Boolean);

/**
 * "When you'll see this" lists the mistakes that cause an error, so it may name posting on load as
 * one; every other part of a page (summary, explanation, fixes, recovery and its code, advice) may not.
 */
const CAUSES_HEADING = "## When you'll see this";

function sourceAdvice(doc: ErrorDoc): string[] {
  const { whenYoullSeeThis: _causes, code: _code, ...rest } = doc;
  return Object.values(rest).flatMap((value) => (typeof value === 'string' ? [value] : [...value])).flatMap(sentences);
}

function generatedAdvice(page: string): string[] {
  return page
    .split(/^(?=## )/m)
    .filter((section) => !section.startsWith(CAUSES_HEADING))
    .flatMap(sentences);
}

describe('error pages and the click-to-confirm design', () => {
  it.each([
    ['Post the token from your sign-in page as soon as it loads, or right after one click.', true],
    ['Call `POST /v1/auth/verify` on page load.', true],
    ['Send the token as soon as the page loads.', true],
    ['Verify the link immediately when the page opens.', true],
    ['Submit the token when the sign-in page is opened.', true],
    ['Post the token in a DOMContentLoaded listener.', true],
    ['Auto-submit the token.', true],
    ['Verify the link without waiting for a click.', true],
    ['Post the token only when the person clicks "Sign in", never before.', false],
    ['Open the new email as soon as it arrives and click its link.', false],
    ['Don\'t retry immediately or in a tight loop.', false],
    ['Show the code field right after the request.', false],
    ['After successful sign-in, send the user into your app immediately so they don\'t have time to re-click the link.', false],
  ])('the check reads "%s" as advice to post on load: %s', (sentence, flagged) => {
    expect(advisesPostingOnLoad(sentence)).toBe(flagged);
  });

  it('no page\'s source advises posting the token as the page loads', () => {
    const offending = Object.values(ERROR_DOCS).flatMap((doc) => sourceAdvice(doc).filter(advisesPostingOnLoad).map((sentence) => `${doc.code}: ${sentence}`));
    expect(offending).toEqual([]);
  });

  it('no generated page advises posting the token as the page loads', () => {
    const root = path.resolve(__dirname, '..', '..');
    const offending = ERROR_CODES.flatMap((code) => {
      const page = readFileSync(path.join(root, ERRORS_DIR, `${code}.md`), 'utf8');
      expect(page).toContain(CAUSES_HEADING);
      return generatedAdvice(page).filter(advisesPostingOnLoad).map((sentence) => `${code}: ${sentence}`);
    });
    expect(offending).toEqual([]);
  });
});
