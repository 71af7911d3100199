import type { ReaderProfileData } from './schema.js';

/** The name-layout fault of troubles T32: 渡辺 shown as 「～さま渡」「辺～さま」. */
export const VENDOR_C: ReaderProfileData = {
  id: 'vendor-c',
  label: 'Vendor C (name split across the honorific, JIS X 0208 screen)',
  notes:
    'Splits the name across two lines with the honorific glued on (troubles T32, seed 002 問8 — ' +
    'which component was at fault is UNCONFIRMED); JIS X 0208 font; no cancel button during a session.',
  texts: {
    idle: 'カードを置いてください',
    pinEntry: '暗証番号を入力してください',
    checking: 'ただいま確認中です',
    done: '受付完了\nカードを取り出して、待合室でお待ちください',
  },
  errorTexts: {
    '001': '001 マイナンバーカードの認識不可',
    '006': '006 利用者証明用電子証明書の失効・有効期限切れ',
  },
  timings: { bootMs: 10, cardReadMs: 600, screenTimeoutS: 60 },
  quirks: {
    nameLayout: 'split-honorific',
    repertoire: 'jis0208',
    honorific: 'さま',
    cancelButton: false,
    lockedPin: 'refused',
    beepOnCard: false,
    maskPrompt: false,
    audioGuidance: true,
    cardOrientation: 'vertical',
    paperCardRead: false,
  },
};
