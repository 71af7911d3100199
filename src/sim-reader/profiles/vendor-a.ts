import type { ReaderProfileData } from './schema.js';

/** Modelled on reports of a reader that beeps on IC detection and reads paper cards (ALMEX FAQ). */
export const VENDOR_A: ReaderProfileData = {
  id: 'vendor-a',
  label: 'Vendor A (beep on IC detection, JIS X 0208 screen)',
  notes:
    'Beep when the IC is detected and a paper-card reading path when no IC is found (ALMEX); ' +
    'screen font limited to JIS X 0208, so 外字 such as 髙 and 𠮷 show as ● (troubles T30); cancel button present.',
  texts: {
    idle: 'マイナンバーカードを\nカード置き場に置いてください',
    reading: '読み取り中です\nカードを動かさないでください',
    authSelect: '本人確認の方法を\n選択してください',
    pinEntry: '暗証番号(数字4桁)を\n入力してください',
    pinWrong: '暗証番号が正しくありません\n残り{n}回',
    done: '受付が完了しました\nカードをお取りください',
  },
  errorTexts: {
    '001': '001 カードを読み取れませんでした\nカードを置き直してください',
    '002': '002 マイナンバーカード以外のカードが置かれました',
    '006': '006 電子証明書の有効期限が切れています\n受付にお声がけください',
  },
  timings: { bootMs: 20, cardReadMs: 800, screenTimeoutS: 60 },
  quirks: {
    nameLayout: 'one-line',
    repertoire: 'jis0208',
    honorific: 'さま',
    cancelButton: true,
    lockedPin: 'refused',
    beepOnCard: true,
    maskPrompt: false,
    audioGuidance: true,
    cardOrientation: 'horizontal',
    paperCardRead: true,
  },
};
