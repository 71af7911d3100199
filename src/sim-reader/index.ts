export {
  COMMUNICATION_ERROR_CODE,
  CONSENT_ITEMS,
  DEFAULT_READER_CONFIG,
  NO_FAULTS,
  awaitedReply,
  inSession,
  initialState,
  pinAvailable,
  screenOf,
  step,
  type AwaitedReply,
  type ConsentItem,
  type DeviceEvent,
  type EffectResultEvent,
  type FaultState,
  type LinkEvent,
  type PatientAction,
  type PendingCardWork,
  type ReaderConfig,
  type ReaderEffect,
  type ReaderEvent,
  type ReaderScreen,
  type ReaderSession,
  type ReaderState,
  type ScreenId,
  type StepResult,
  type TerminalEvent,
} from './machine.js';
export {
  CardCommandError,
  CardDataError,
  queryPinTries,
  readAuthCertificate,
  selectEf,
  selectJpkiAp,
  sha256DigestInfo,
  verifyPinAndSign,
  type PinSignResult,
} from './card-session.js';
export { SimReader, type PatientEvent, type SimReaderOptions } from './reader.js';
export { ReaderFaultSpec, parseReaderFault, isMachineFault, type ReaderFaultInput, type MachineFault } from './faults.js';
export {
  GENERIC_PROFILE,
  VENDOR_PROFILES,
  PROFILE_IDS,
  readerProfile,
  loadProfile,
  ReaderProfile,
  ReaderProfileData,
  ScreenTexts,
  ProfileQuirks,
  ProfileTimings,
  NameLayout,
  Repertoire,
} from './profiles/index.js';
export { inJisX0208, displayName, MISSING_GLYPH } from './repertoire.js';
export { nameLines } from './name-layout.js';
export { startReaderPage, PageAction, type PagePersona, type ReaderPage, type ReaderPageOptions, type PageSnapshot } from './page-server.js';
