import { somethingWentWrong, type MessageStrings } from '../messages';

export const messages: MessageStrings = {
  locale: 'en',
  ...somethingWentWrong('Something went wrong. Please try again later.'),
  validation_failed: 'Some of the information sent was not valid. Please check it and try again.',
  'validation_failed.email': 'Please enter a valid email address.',
  'validation_failed.code': 'Please enter the 6-digit code from the email.',
  'validation_failed.token': "This sign-in link isn't complete. Open the whole link from your email, or request a fresh one.",
  magic_link_ip_limit_exceeded: 'Too many sign-in requests from your network. Please try again in {minutes}.',
  magic_link_email_limit_exceeded:
    'Too many sign-in links were requested for this email address. Please check your inbox (and spam folder), or try again in {minutes}.',
  magic_link_capacity_exceeded: 'Sign-in emails are paused for a while because of unusually high demand. Please try again in {minutes}.',
  magic_link_challenge_required: 'Sign-in is very busy right now. Please try again in a moment.',
  magic_link_not_found: "This sign-in link isn't valid. Make sure you opened the whole link from your most recent email, or request a fresh one.",
  magic_link_expired: 'This sign-in link has expired. Please request a fresh link.',
  magic_link_already_used: "This sign-in link was already used. If you're already signed in elsewhere, use that session. Otherwise, request a fresh link.",
  magic_link_device_mismatch:
    'This sign-in was requested on another device or browser. Open the link there, or type the 6-digit code from the email on the device where you asked to sign in.',
  magic_link_code_invalid: "That code isn't right. Check the 6-digit code in your most recent sign-in email and try again.",
  magic_link_code_attempts_exceeded: 'Too many wrong codes were entered for this email address. Please use the link in the email, or try again in {minutes}.',
  magic_link_code_ip_limit_exceeded: 'Too many wrong codes were entered from this network. Please use the link in the email, or try again in {minutes}.',
  sign_in_not_allowed: "This email address can't be used to sign in here. Please use another address, or ask the service's operators to admit this one.",
  session_invalid: 'Your session has ended. Please sign in again.',
  email_delivery_failed: "We couldn't send the sign-in email. Please check the address and try again in a moment.",
  service_unavailable: 'The service is busy right now. Please try again in {seconds}.',
};
