import type { ErrorCode } from '../../../lambdas/contract/errors';
import type { ErrorDoc } from '../error-doc';
import email_delivery_failed from './email_delivery_failed';
import internal_error from './internal_error';
import invalid_json from './invalid_json';
import magic_link_already_used from './magic_link_already_used';
import magic_link_capacity_exceeded from './magic_link_capacity_exceeded';
import magic_link_challenge_required from './magic_link_challenge_required';
import magic_link_code_attempts_exceeded from './magic_link_code_attempts_exceeded';
import magic_link_code_ip_limit_exceeded from './magic_link_code_ip_limit_exceeded';
import magic_link_code_invalid from './magic_link_code_invalid';
import magic_link_device_mismatch from './magic_link_device_mismatch';
import magic_link_email_limit_exceeded from './magic_link_email_limit_exceeded';
import magic_link_expired from './magic_link_expired';
import magic_link_ip_limit_exceeded from './magic_link_ip_limit_exceeded';
import magic_link_not_found from './magic_link_not_found';
import method_not_allowed from './method_not_allowed';
import payload_too_large from './payload_too_large';
import route_not_found from './route_not_found';
import service_unavailable from './service_unavailable';
import session_invalid from './session_invalid';
import sign_in_not_allowed from './sign_in_not_allowed';
import unsupported_media_type from './unsupported_media_type';
import validation_failed from './validation_failed';

/** The prose of every error page. Typed by code: a catalog entry without prose does not compile. */
export const ERROR_DOCS: Record<ErrorCode, ErrorDoc> = {
  invalid_json,
  validation_failed,
  payload_too_large,
  unsupported_media_type,
  route_not_found,
  method_not_allowed,
  magic_link_ip_limit_exceeded,
  magic_link_email_limit_exceeded,
  magic_link_capacity_exceeded,
  magic_link_challenge_required,
  magic_link_not_found,
  magic_link_expired,
  magic_link_already_used,
  magic_link_device_mismatch,
  magic_link_code_invalid,
  magic_link_code_attempts_exceeded,
  magic_link_code_ip_limit_exceeded,
  sign_in_not_allowed,
  session_invalid,
  email_delivery_failed,
  service_unavailable,
  internal_error,
};
