export { getRsaKeyPair, getEcKeyPair, keyCacheDir, keyCacheFile, type CachedKeyPair } from './key-cache.js';
export {
  createSimulatedJlis,
  JLIS_AUTH_CA_SUBJECT,
  JPKI_SERVICE_DIRNAME,
  type SimulatedJlis,
  type CreateSimulatedJlisOptions,
  type IssueAuthCertificateOptions,
} from './jlis-ca.js';
export {
  MyNumberCard,
  DEFAULT_MY_NUMBER_CARD_ATR,
  JPKI_TOKEN_LABEL,
  AUTH_PIN_MAX_TRIES,
  MAX_SIGN_INPUT,
  type MyNumberCardOptions,
} from './jpki-card.js';
export { createMyNumberCard, type CreateMyNumberCardOptions } from './create-card.js';
