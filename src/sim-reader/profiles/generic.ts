import type { ReaderProfile } from './schema.js';

/**
 * The emulator's own reader: plain texts written for this project (the makers' wording is not
 * public, reader-flow §1.7 q3). Every vendor profile starts from these texts.
 */
export const GENERIC_PROFILE_DATA: ReaderProfile = {
  id: 'generic',
  label: 'myna-rig generic reader',
  notes: 'Default profile: one-line name, full Unicode screen, cancel button, no other quirks.',
  texts: {
    linkDown: '資格確認端末と接続できません。受付にお声がけください',
    booting: '起動しています。しばらくお待ちください',
    bootFailed: 'カードリーダーが起動できませんでした。受付にお声がけください',
    idle: 'マイナンバーカードを置いてください',
    idleVisual: '目視確認モードです。係員の確認後にマイナンバーカードを置いてください',
    idleVisualConfirmed: '係員の確認が完了しました。マイナンバーカードを置いてください',
    reading: 'カードを読み取っています。カードを動かさないでください',
    authSelect: '本人確認の方法を選んでください(顔認証 / 暗証番号)',
    pinUnavailable: '暗証番号はロックされているため使用できません。顔認証を選ぶか、受付にお声がけください',
    authSelectPinless: 'このカードは暗証番号のないカードです。顔認証で本人確認してください',
    pinNotSet: 'このカードには暗証番号が設定されていません。顔認証を選ぶか、受付にお声がけください',
    pinLocked: '暗証番号がロックされました。顔認証を選ぶか、受付にお声がけください',
    pinEntry: '暗証番号(4桁)を入力してください',
    pinFormat: '暗証番号は4桁の数字で入力してください',
    pinWrong: '暗証番号が違います。残り{n}回です',
    faceCapture: 'カメラに顔を向けてください',
    faceRetry: '顔認証に失敗しました。もう一度カメラに顔を向けてください',
    faceGiveUp: '顔認証ができませんでした。暗証番号を選ぶか、受付にお声がけください',
    faceUnavailable: 'カメラが使用できません。暗証番号を選ぶか、受付にお声がけください',
    faceGuidance: {
      'too-close': 'カメラに近すぎます。少し離れてください',
      backlight: '逆光または外の光が強すぎます。光を背にしないでください',
      'no-face': '顔が見つかりません。カメラの正面に立ってください',
      occluded: '顔の一部が隠れています。帽子や前髪を確認してください',
      'in-sleeve': 'カードをケースから出して置き直してください',
    },
    faceMask: 'マスクを外してカメラに顔を向けてください',
    faceLocked: '顔認証がロックされています。暗証番号を選ぶか、受付にお声がけください',
    registrationOffer: 'このマイナンバーカードは健康保険証として登録されていません。登録しますか(登録する / 登録しない)',
    certExpiryNotice: '利用者証明用電子証明書の有効期限が近づいています。お住まいの市区町村で更新してください(確認)',
    visualWait: '係員が本人確認をしています。カードを置いたままお待ちください',
    checking: '確認しています。しばらくお待ちください',
    consentBulk: '過去の医療情報等を提供することに同意しますか(全て同意する / 個別に同意する)',
    consentItem: {
      diagnosis: '過去の診療情報を提供することに同意しますか',
      pharmacy: '過去のお薬の情報を提供することに同意しますか',
      checkup: '過去の健診情報を提供することに同意しますか',
      operation: '過去の手術情報を提供することに同意しますか',
    },
    done: '受付が完了しました。カードを取り出して、待合室でお待ちください',
    error: 'エラーが発生しました。受付にお声がけください',
    certificateRejected: '利用者証明用電子証明書を確認できませんでした。受付にお声がけください',
    missingCheckId: '資格確認端末の応答に確認番号がありません。受付にお声がけください',
    protocolError: '資格確認端末との通信でエラーが発生しました({code})。受付にお声がけください',
  },
  errorTexts: {
    // 001 and 006 are attested reader message numbers (ONSHI-320, ONSHI-566); the wording is ours.
    '001': '001 マイナンバーカードを読み取れませんでした。カードを置き直してください',
    '006': '006 利用者証明用電子証明書の失効・有効期限切れです。受付にお声がけください',
    // Our codes (reader-flow F24, F10): no number is attested for these.
    'E-notreg': 'E-notreg 健康保険証の利用登録がないため資格確認ができません。受付にお声がけください',
    'E-facelock': 'E-facelock 顔認証がロックされました。暗証番号で本人確認するか、受付にお声がけください',
  },
  timings: { bootMs: 0, cardReadMs: 0, screenTimeoutS: 60 },
  quirks: {
    nameLayout: 'one-line',
    repertoire: 'unicode',
    honorific: 'さま',
    cancelButton: true,
    lockedPin: 'refused',
    beepOnCard: false,
    maskPrompt: false,
    audioGuidance: true,
    cardOrientation: 'horizontal',
    paperCardRead: false,
  },
};
