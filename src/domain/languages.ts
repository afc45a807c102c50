// The languages a session can run in: the capture page's catalogues (web/capture/i18n), the
// challenge instructions, the phrase generator and the speech engines all cover exactly these.
// Every list of languages in the server, the page and the APIs is this one.
export const LANGUAGES = ['en', 'es', 'fr', 'de', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];
