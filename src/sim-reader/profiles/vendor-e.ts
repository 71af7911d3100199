import type { ReaderProfileData } from './schema.js';

/** Modelled on a reader with no spoken guidance and a card laid vertically (MIYASHISHOU). */
export const VENDOR_E: ReaderProfileData = {
  id: 'vendor-e',
  label: 'Vendor E (no audio guidance, vertical card, JIS X 0208 screen)',
  notes:
    'No audio guidance and the card placed vertically (MIYASHISHOU); JIS X 0208 font; locked PIN button greyed; ' +
    'no cancel button. The fifth maker is not identified in the sources (reader-flow §1.6).',
  texts: {
    idle: 'マイナンバーカードを\n縦向きに置いてください',
    authSelect: '本人確認方法の選択',
    pinEntry: '4桁の暗証番号を入力',
    done: '受付完了\nカードをお取りください',
  },
  errorTexts: {
    '001': '001 カードが読み取れません',
    '006': '006 電子証明書の失効・期限切れ\n窓口へお申し出ください',
  },
  timings: { bootMs: 50, cardReadMs: 1500, screenTimeoutS: 60 },
  quirks: {
    nameLayout: 'one-line',
    repertoire: 'jis0208',
    honorific: '様',
    cancelButton: false,
    lockedPin: 'greyed',
    beepOnCard: false,
    maskPrompt: false,
    audioGuidance: false,
    cardOrientation: 'vertical',
    paperCardRead: false,
  },
};
