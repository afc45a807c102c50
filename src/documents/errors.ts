/** Stable error codes of document reading, mapped to HTTP statuses by the http layer. */
const DOCUMENT_ERROR_CODES = ['not_an_image', 'no_document', 'document_unreadable', 'multiple_documents'] as const;
type DocumentErrorCode = (typeof DOCUMENT_ERROR_CODES)[number];

export class DocumentReadError extends Error {
  readonly code: DocumentErrorCode;
  constructor(code: DocumentErrorCode, message: string) {
    super(message);
    this.name = 'DocumentReadError';
    this.code = code;
  }
}

export function isDocumentReadError(error: unknown): error is DocumentReadError {
  return error instanceof DocumentReadError;
}
