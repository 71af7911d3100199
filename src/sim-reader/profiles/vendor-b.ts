import type { ReaderProfileData } from './schema.js';

/** Modelled on a reader whose settings open by corner taps with admin / user roles (CAORA-QA). */
export const VENDOR_B: ReaderProfileData = {
  id: 'vendor-b',
  label: 'Vendor B (two-line name, Unicode screen)',
  notes:
    'Settings screen reached by corner taps plus a password, 管理者 / 利用者 roles (CAORA-QA; not emulated yet); ' +
    'name on two lines with 様; full Unicode font; locked PIN button greyed out.',
  texts: {
    idle: 'マイナンバーカードを置いてください',
    authSelect: '顔認証 または 暗証番号 を\n選んでください',
    faceCapture: '画面の枠に顔を合わせてください',
    faceRetry: '認証できませんでした\nもう一度お願いします',
    consentBulk: '過去の医療情報等の提供に\n同意しますか',
    done: '受付が完了しました\nカードを取り出して\n待合室でお待ちください',
  },
  errorTexts: {
    '001': '001 マイナンバーカードの認識ができませんでした',
    '006': '006 利用者証明用電子証明書が\n失効・有効期限切れです',
  },
  timings: { bootMs: 30, cardReadMs: 1200, screenTimeoutS: 90 },
  quirks: {
    nameLayout: 'two-line',
    repertoire: 'unicode',
    honorific: '様',
    cancelButton: true,
    lockedPin: 'greyed',
    beepOnCard: false,
    maskPrompt: false,
    audioGuidance: true,
    cardOrientation: 'horizontal',
    paperCardRead: false,
  },
};
