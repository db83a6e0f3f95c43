import type { MessageStrings } from '../messages';

const somethingWentWrong = 'حدث خطأ ما. يُرجى المحاولة مرة أخرى لاحقًا.';

export const messages: MessageStrings = {
  locale: 'ar',
  invalid_json: somethingWentWrong,
  validation_failed: 'بعض المعلومات المُرسلة غير صالحة. يُرجى مراجعتها والمحاولة مرة أخرى.',
  'validation_failed.email': 'يُرجى إدخال عنوان بريد إلكتروني صالح.',
  'validation_failed.code': 'يُرجى إدخال الرمز المكوّن من 6 أرقام الوارد في البريد الإلكتروني.',
  'validation_failed.token': 'رابط تسجيل الدخول هذا غير مكتمل. افتح الرابط كاملًا من بريدك الإلكتروني، أو اطلب رابطًا جديدًا.',
  payload_too_large: somethingWentWrong,
  unsupported_media_type: somethingWentWrong,
  route_not_found: somethingWentWrong,
  method_not_allowed: somethingWentWrong,
  magic_link_ip_limit_exceeded: 'طلبات تسجيل دخول كثيرة جدًا من شبكتك. يُرجى المحاولة مرة أخرى بعد {minutes}.',
  magic_link_email_limit_exceeded:
    'طُلبت روابط تسجيل دخول كثيرة جدًا لعنوان البريد الإلكتروني هذا. يُرجى التحقق من صندوق الوارد (ومجلد الرسائل غير المرغوب فيها)، أو المحاولة مرة أخرى بعد {minutes}.',
  magic_link_capacity_exceeded: 'توقّف إرسال رسائل تسجيل الدخول مؤقتًا بسبب طلب مرتفع على غير العادة. يُرجى المحاولة مرة أخرى بعد {minutes}.',
  magic_link_challenge_required: 'تسجيل الدخول مشغول جدًا الآن. يُرجى المحاولة مرة أخرى بعد قليل.',
  magic_link_not_found: 'رابط تسجيل الدخول هذا غير صالح. تأكّد من أنك فتحت الرابط كاملًا من أحدث رسالة وصلتك، أو اطلب رابطًا جديدًا.',
  magic_link_expired: 'انتهت صلاحية رابط تسجيل الدخول هذا. يُرجى طلب رابط جديد.',
  magic_link_already_used: 'سبق استخدام رابط تسجيل الدخول هذا. إذا كنت قد سجّلت الدخول في مكان آخر، فاستخدم تلك الجلسة. وإلا فاطلب رابطًا جديدًا.',
  magic_link_device_mismatch:
    'طُلب تسجيل الدخول هذا على جهاز أو متصفح آخر. افتح الرابط هناك، أو اكتب الرمز المكوّن من 6 أرقام الوارد في البريد الإلكتروني على الجهاز الذي طلبت منه تسجيل الدخول.',
  magic_link_code_invalid: 'هذا الرمز غير صحيح. تحقّق من الرمز المكوّن من 6 أرقام في أحدث رسالة تسجيل دخول وصلتك وحاول مرة أخرى.',
  magic_link_code_attempts_exceeded:
    'أُدخلت رموز خاطئة كثيرة جدًا لعنوان البريد الإلكتروني هذا. يُرجى استخدام الرابط الوارد في البريد الإلكتروني، أو المحاولة مرة أخرى بعد {minutes}.',
  magic_link_code_ip_limit_exceeded:
    'أُدخلت رموز خاطئة كثيرة جدًا من هذه الشبكة. يُرجى استخدام الرابط الوارد في البريد الإلكتروني، أو المحاولة مرة أخرى بعد {minutes}.',
  sign_in_not_allowed:
    'لا يمكن استخدام عنوان البريد الإلكتروني هذا لتسجيل الدخول هنا. يُرجى استخدام عنوان آخر، أو مطالبة القائمين على الخدمة بالسماح به.',
  session_invalid: 'انتهت جلستك. يُرجى تسجيل الدخول مرة أخرى.',
  email_delivery_failed: 'تعذّر إرسال رسالة تسجيل الدخول. يُرجى التحقق من العنوان والمحاولة مرة أخرى بعد قليل.',
  service_unavailable: 'الخدمة مشغولة جدًا الآن. يُرجى المحاولة مرة أخرى بعد {seconds}.',
  internal_error: somethingWentWrong,
};
