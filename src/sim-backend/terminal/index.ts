export { startTerminal, READER_PATH, RECEPTION_PATH, type Terminal, type TerminalOptions } from './server.js';
export type { TrafficEntry } from './traffic.js';
export { FACE_FILE_NAME_PATTERN, FACE_FILE_PREFIX, faceFileName, createFaceFileNamer } from './face-file-name.js';
export { COMMUNICATION_ERROR, REJECTION_ERRORS, readerErrorFor, type ReaderError } from './verdict-codes.js';
export { ReceptionOutbox, type ReceptionPushBody, type AckOutcome } from './reception-outbox.js';
export { startFolderGateway, ERROR_FOLDER, type FolderGateway, type FolderGatewayOptions, type FolderEvent, type FolderStats } from './folders.js';
export { createOqsAnswerer, oqsErrorResult, TERMINAL_MESSAGE_KINDS, type OqsAnswer, type OqsAnswerer } from './oqs-answer.js';
export { OQS_HTTP_PREFIX, OQS_SOCKET_PATH } from './json-transports.js';
export { resultFileName, zipResult, zipEntryName, ZIPPABLE_BULK_KINDS, type BulkResultFormat } from './bulk-zip.js';
