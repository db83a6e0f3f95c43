/** The hosted pages' icon (an envelope), answered by the fallback function so browsers get no 404. */
export const FAVICON_PATH = '/favicon.ico';

export const FAVICON = {
  body: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1a56db"/><path d="M3 4.5h10v7H3zm0 0 5 4 5-4" fill="none" stroke="#fff"/></svg>',
  contentType: 'image/svg+xml',
} as const;
