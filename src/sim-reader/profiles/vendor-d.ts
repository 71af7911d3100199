import type { ReaderProfileData } from './schema.js';

/** Modelled on a reader that asks to take off a mask (TBS-NAGASAKI) and hides a locked PIN. */
export const VENDOR_D: ReaderProfileData = {
  id: 'vendor-d',
  label: 'Vendor D (mask prompt, locked PIN hidden)',
  notes:
    'Asks «マスクを外してください» on the face screen (TBS-NAGASAKI; another source says masks need not be removed, ' +
    'MIYASHISHOU); the PIN button disappears when the PIN is locked (A1 rendering UNCONFIRMED); Unicode font.',
  texts: {
    faceCapture: 'マスクを外して\nカメラに顔を向けてください',
    faceRetry: '顔認証に失敗しました\nマスクや帽子を外して、もう一度お願いします',
    pinUnavailable: '暗証番号は使用できません\n顔認証を選んでください',
    done: '受付が完了しました\nカードをお忘れなく',
  },
  errorTexts: {
    '001': '001 カードを正しく読み取れませんでした\nケースから出して置き直してください',
    '006': '006 電子証明書の有効期限切れ',
    'E-comm': 'E-comm 通信エラーが発生しました\n受付にお声がけください',
  },
  timings: { bootMs: 40, cardReadMs: 1000, screenTimeoutS: 45 },
  quirks: {
    nameLayout: 'one-line',
    repertoire: 'unicode',
    honorific: '様',
    cancelButton: true,
    lockedPin: 'hidden',
    beepOnCard: false,
    maskPrompt: true,
    audioGuidance: true,
    cardOrientation: 'horizontal',
    paperCardRead: false,
  },
};
