export { getRsaKeyPair, getEcKeyPair, keyCacheDir, keyCacheFile, type CachedKeyPair } from './key-cache.js';
export {
  createSimulatedJlis,
  JLIS_AUTH_CA_SUBJECT,
  JLIS_SIGN_CA_SUBJECT,
  type IssueSignCertificateOptions,
  JPKI_SERVICE_DIRNAME,
  type SimulatedJlis,
  type CreateSimulatedJlisOptions,
  type IssueAuthCertificateOptions,
  JLIS_OCSP_SIGNER_SUBJECT,
  type OcspSigner,
} from './jlis-ca.js';
export {
  MyNumberCard,
  DEFAULT_MY_NUMBER_CARD_ATR,
  JPKI_TOKEN_LABEL,
  AUTH_PIN_MAX_TRIES,
  SIGN_PIN_MAX_TRIES,
  AUTH_PIN_FORMAT,
  SIGN_PIN_FORMAT,
  DEFAULT_SIGN_PIN,
  type PinName,
  MAX_SIGN_INPUT,
  type MyNumberCardOptions,
  type TextApOptions,
  type FaceApOptions,
  type CardFaceData,
  PINLESS_SW,
} from './jpki-card.js';
export { CardUnresponsiveError, TOKEN_LABELS, type BiometricResult, type CardState, type CardToken } from './card-state.js';
export { isValidMyNumber, myNumberCheckDigit, MY_NUMBER_FORMAT } from './my-number.js';
export { TEXT_EF, TEXT_PIN_FORMAT, TEXT_PIN_MAX_TRIES, basicFourEf, myNumberEf } from './text-ap.js';
export { CRL_REASON, normalizeSerial, type JlisCa, type JlisCertificateStatus, type RevocationReason } from './certificate-status.js';
export { createMyNumberCard, AP_DATA_KEY_LABEL, type CreateMyNumberCardOptions } from './create-card.js';
export {
  FACE_EF,
  TEXT_PIN_AB_EF,
  PIN_AB_MAX_TRIES,
  PIN_A_FORMAT,
  PIN_B_FORMATS,
  DEFAULT_PIN_B_FORMAT,
  DEFAULT_SECURITY_CODE,
  SECURITY_CODE_FORMAT,
  pinB,
  cardFaceEf,
  myNumberImageEf,
  type PinBFormat,
  type CardFace,
} from './face-ap.js';
export { apBasicInfoEf, apCertificateEf, textDigestsEf, apKeyId, AP_INFO } from './ap-data.js';
export { generatedPng, PNG_SIGNATURE } from './png-image.js';
export {
  DEFAULT_CARD_HOLDER,
  JPKI_HOLDER_OID,
  eraDigit,
  jpkiBirthDate,
  holderSubjectAltNameDer,
  type CardHolder,
  type HolderSex,
} from './jpki-holder.js';
export {
  connectToVpcd,
  answerVpcdFrame,
  encodeVpcdFrame,
  maskedApduHex,
  VpcdFrameReader,
  VPCD_DEFAULT_PORT,
  VPCD_CONTROL,
  MUTE_CHIP_ATR_REPLY,
  type VpcdBridge,
  type VpcdBridgeOptions,
  type VpcdCard,
} from './vpcd-bridge.js';
export {
  BUILTIN_CARD_PERSONAS,
  cardPersonaSchema,
  cardOptionsFromPersona,
  parseCardPersona,
  type CardPersona,
} from './card-persona.js';
