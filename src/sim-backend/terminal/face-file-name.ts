import { jstTimestamp, type Clock } from '../../domain/clock.js';

/**
 * Names of face-folder result files (oqs-interface.md §1.2):
 * `OQSsiquc01res_face_` + 30 characters + `_` + yyyyMMddHHmmss (JST) + `.xml`, where the 30
 * characters are the 10-digit 医療機関コード followed by 20 lower-case hex digits. What the real
 * terminal puts in the hex part is unknown; ours is a per-terminal counter, so names are unique
 * within a run and identical across runs with the same clock.
 */
export const FACE_FILE_PREFIX = 'OQSsiquc01res_face_';
export const FACE_FILE_NAME_PATTERN = /^OQSsiquc01res_face_(\d{10})([0-9a-f]{20})_(\d{14})\.xml$/;

const MEDICAL_INSTITUTION_CODE = /^\d{10}$/;
const HEX20 = /^[0-9a-f]{20}$/;

export function faceFileName(medicalInstitutionCode: string, hex20: string, epochMs: number): string {
  if (!MEDICAL_INSTITUTION_CODE.test(medicalInstitutionCode)) {
    throw new RangeError(`faceFileName: medicalInstitutionCode must be 10 digits, received "${medicalInstitutionCode}"`);
  }
  if (!HEX20.test(hex20)) {
    throw new RangeError(`faceFileName: the unique part must be 20 lower-case hex digits, received "${hex20}"`);
  }
  return `${FACE_FILE_PREFIX}${medicalInstitutionCode}${hex20}_${jstTimestamp(epochMs)}.xml`;
}

/** A name source for one terminal: the n-th name carries n in hex, zero-padded to 20 digits. */
export function createFaceFileNamer(medicalInstitutionCode: string, clock: Clock): () => string {
  let counter = 0n;
  return () => {
    counter += 1n;
    return faceFileName(medicalInstitutionCode, counter.toString(16).padStart(20, '0'), clock.now());
  };
}
