/**
 * The reader page: one self-contained HTML document (no build step, no CDN). It draws the reader's
 * screen as the patient sees it (the snapshot's `lines`) and offers the patient's controls; every
 * click is a POST to /api/actions, and the server pushes each new screen over the WebSocket /ws.
 * Kept as a module string so that `tsc` builds carry it without a copy step.
 */
export const READER_PAGE_HTML = `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>顔認証付きカードリーダー (myna-rig)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font-family: "IPAGothic", "IPAPGothic", "Noto Sans CJK JP", sans-serif; background: #e9ecef; margin: 0; padding: 16px; color: #212529; }
  h1 { font-size: 16px; margin: 0 0 8px; }
  .device { width: 520px; background: #343a40; border-radius: 18px; padding: 18px; box-shadow: 0 4px 12px rgba(0,0,0,.3); }
  .screen { background: #f8f9fa; border-radius: 8px; min-height: 190px; padding: 16px; display: flex; flex-direction: column; justify-content: center; }
  .screen.frozen { background: #dee2e6; outline: 3px dashed #dc3545; }
  .screen .line { font-size: 20px; line-height: 1.5; text-align: center; white-space: pre-wrap; }
  .screen .line.name { font-weight: bold; font-size: 24px; }
  .meta { color: #adb5bd; font-size: 12px; margin-top: 8px; display: flex; justify-content: space-between; }
  .panel { margin-top: 12px; background: #fff; border-radius: 8px; padding: 12px; width: 520px; }
  .panel h2 { font-size: 13px; margin: 0 0 6px; color: #495057; }
  .row { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 8px; align-items: center; }
  button { font-size: 15px; padding: 8px 12px; border-radius: 6px; border: 1px solid #6c757d; background: #fff; cursor: pointer; }
  button:disabled { opacity: .35; cursor: default; }
  button.primary { background: #0d6efd; color: #fff; border-color: #0d6efd; }
  .keypad { display: grid; grid-template-columns: repeat(3, 64px); gap: 6px; }
  .keypad button { font-size: 20px; }
  .pin { font-size: 22px; letter-spacing: 8px; min-width: 90px; display: inline-block; }
  .error { color: #dc3545; font-size: 13px; min-height: 18px; }
  .hidden { display: none; }
</style>
</head>
<body>
<h1>顔認証付きカードリーダー <span id="profile"></span></h1>
<div class="device">
  <div class="screen" id="screen" data-testid="screen"></div>
  <div class="meta"><span id="screen-id" data-testid="screen-id"></span><span id="card-on" data-testid="card-on"></span></div>
</div>

<div class="panel">
  <h2>カード</h2>
  <div class="row">
    <select id="persona" data-testid="persona"></select>
    <button id="place" data-testid="place-card">カードを置く</button>
    <button id="remove" data-testid="remove-card">カードを取り出す</button>
  </div>
  <h2>スマートフォン (汎用カードリーダー)</h2>
  <div class="row">
    <button id="choose-phone" data-testid="choose-phone">スマートフォンを使う</button>
    <button id="os-iphone" data-testid="choose-os-iphone">iPhone</button>
    <button id="os-android" data-testid="choose-os-android">Android</button>
    <button id="tap-phone" data-testid="tap-phone">選んだ人のスマートフォンをかざす</button>
  </div>
  <h2>本人確認</h2>
  <div class="row">
    <button id="choose-face" data-testid="choose-face">顔認証</button>
    <button id="choose-pin" data-testid="choose-pin">暗証番号</button>
    <button id="face-match" data-testid="face-match">顔を見せる(本人)</button>
    <button id="face-mismatch" data-testid="face-mismatch">顔を見せる(別人)</button>
    <button id="face-backlight" data-testid="face-backlight">顔を見せる(逆光)</button>
    <button id="cancel" data-testid="cancel">キャンセル</button>
  </div>
  <div class="row">
    <div class="keypad" id="keypad" data-testid="keypad"></div>
    <div><span class="pin" id="pin-dots" data-testid="pin-dots"></span><br>
      <button id="pin-clear" data-testid="pin-clear">訂正</button>
      <button id="pin-ok" class="primary" data-testid="pin-ok">確定</button></div>
  </div>
  <h2>登録・お知らせ</h2>
  <div class="row">
    <button id="register-yes" data-testid="register-yes">登録する</button>
    <button id="register-no" data-testid="register-no">登録しない</button>
    <button id="ack" data-testid="ack">確認</button>
  </div>
  <h2>同意</h2>
  <div class="row">
    <button id="agree-all" data-testid="consent-agree-all">全て同意する</button>
    <button id="individually" data-testid="consent-individually">個別に同意する</button>
    <button id="item-yes" data-testid="consent-item-agree">同意する</button>
    <button id="item-no" data-testid="consent-item-decline">同意しない</button>
    <button id="carry-over" data-testid="consent-carry-over">前回と同じ</button>
    <button id="reselect" data-testid="consent-reselect">選択しなおす</button>
  </div>
  <div class="error" id="error" data-testid="error"></div>
</div>

<script>
(function () {
  'use strict';
  var state = null;
  var pin = '';
  var el = function (id) { return document.getElementById(id); };

  function render() {
    if (state === null) return;
    var s = state.screen;
    var screen = el('screen');
    screen.textContent = '';
    s.lines.forEach(function (line, i) {
      var div = document.createElement('div');
      div.className = 'line' + (i < state.nameLineCount ? ' name' : '');
      div.textContent = line;
      screen.appendChild(div);
    });
    screen.className = 'screen' + (s.frozen ? ' frozen' : '');
    screen.setAttribute('data-screen', s.screen);
    el('screen-id').textContent = s.screen + (s.errorCode ? ' (' + s.errorCode + ')' : '') + (s.frozen ? ' — frozen' : '');
    el('card-on').textContent = state.cardOn ? 'カード: ' + state.cardOn : '';
    el('profile').textContent = '— ' + state.profile.label;
    var idle = s.screen === 'idle' || s.screen === 'idle-visual';
    el('place').disabled = !idle || state.cardOn !== null;
    el('remove').disabled = state.cardOn === null;
    var auth = s.screen === 'auth-select';
    el('choose-face').disabled = !auth || s.faceAvailable === false;
    var pinButton = el('choose-pin');
    var locked = auth && s.pinAvailable === false;
    pinButton.disabled = !auth || (locked && state.profile.quirks.lockedPin === 'greyed');
    pinButton.classList.toggle('hidden', locked && state.profile.quirks.lockedPin === 'hidden');
    var face = s.screen === 'face-capture';
    el('face-match').disabled = !face;
    el('face-mismatch').disabled = !face;
    el('face-backlight').disabled = !face;
    el('register-yes').disabled = s.screen !== 'registration-offer';
    el('register-no').disabled = s.screen !== 'registration-offer';
    el('ack').disabled = s.screen !== 'cert-expiry-notice';
    el('choose-phone').disabled = s.screen !== 'idle';
    el('os-iphone').disabled = s.screen !== 'phone-os-select';
    el('os-android').disabled = s.screen !== 'phone-os-select';
    el('tap-phone').disabled = s.screen !== 'phone-wait-tap';
    var pinEntry = s.screen === 'pin-entry' || s.screen === 'phone-pin';
    Array.prototype.forEach.call(el('keypad').querySelectorAll('button'), function (b) { b.disabled = !pinEntry; });
    el('pin-ok').disabled = !pinEntry || pin.length !== 4;
    el('pin-clear').disabled = !pinEntry || pin.length === 0;
    el('pin-dots').textContent = pin.replace(/./g, '●');
    var bulk = s.screen === 'consent-bulk' || s.screen === 'cert-expiry-notice';
    el('agree-all').disabled = !bulk;
    el('individually').disabled = !bulk;
    el('item-yes').disabled = s.screen !== 'consent-item';
    el('item-no').disabled = s.screen !== 'consent-item';
    el('carry-over').disabled = s.screen !== 'consent-carryover';
    el('reselect').disabled = s.screen !== 'consent-carryover';
    el('cancel').disabled = !state.profile.quirks.cancelButton || idle || s.screen === 'done';
  }

  function act(action) {
    el('error').textContent = '';
    return fetch('api/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (r) {
        if (!r.ok) { el('error').textContent = r.body.error ? r.body.error.message : 'error'; return; }
        state = r.body; render();
      })
      .catch(function (e) { el('error').textContent = String(e); });
  }

  for (var d = 1; d <= 10; d++) {
    (function (digit) {
      var b = document.createElement('button');
      b.textContent = digit;
      b.setAttribute('data-testid', 'key-' + digit);
      b.addEventListener('click', function () { if (pin.length < 4) { pin += digit; render(); } });
      el('keypad').appendChild(b);
    })(d % 10);
  }
  el('pin-clear').addEventListener('click', function () { pin = ''; render(); });
  el('pin-ok').addEventListener('click', function () { var p = pin; pin = ''; act({ type: 'pin', pin: p }); });
  el('place').addEventListener('click', function () { act({ type: 'place-card', persona: el('persona').value }); });
  el('choose-phone').addEventListener('click', function () { act({ type: 'choose-phone' }); });
  el('os-iphone').addEventListener('click', function () { act({ type: 'choose-os', os: 'iphone' }); });
  el('os-android').addEventListener('click', function () { act({ type: 'choose-os', os: 'android' }); });
  el('tap-phone').addEventListener('click', function () { act({ type: 'tap-phone', persona: el('persona').value }); });
  el('remove').addEventListener('click', function () { act({ type: 'remove-card' }); });
  el('choose-face').addEventListener('click', function () { act({ type: 'choose', method: 'face' }); });
  el('choose-pin').addEventListener('click', function () { act({ type: 'choose', method: 'pin' }); });
  el('face-match').addEventListener('click', function () { act({ type: 'face', match: true }); });
  el('face-mismatch').addEventListener('click', function () { act({ type: 'face', match: false }); });
  el('face-backlight').addEventListener('click', function () { act({ type: 'face-quality', quality: 'backlight' }); });
  el('register-yes').addEventListener('click', function () { act({ type: 'register', yes: true }); });
  el('register-no').addEventListener('click', function () { act({ type: 'register', yes: false }); });
  el('ack').addEventListener('click', function () { act({ type: 'ack' }); });
  el('cancel').addEventListener('click', function () { act({ type: 'cancel' }); });
  el('agree-all').addEventListener('click', function () { act({ type: 'consent-all' }); });
  el('individually').addEventListener('click', function () { act({ type: 'consent-individually' }); });
  el('item-yes').addEventListener('click', function () { act({ type: 'consent-item', agree: true }); });
  el('item-no').addEventListener('click', function () { act({ type: 'consent-item', agree: false }); });
  el('carry-over').addEventListener('click', function () { act({ type: 'consent-carry-over' }); });
  el('reselect').addEventListener('click', function () { act({ type: 'consent-reselect' }); });

  function fillPersonas() {
    var select = el('persona');
    if (select.options.length > 0) return;
    state.personas.forEach(function (p) {
      var o = document.createElement('option');
      o.value = p.id; o.textContent = p.label;
      select.appendChild(o);
    });
  }

  function connect() {
    var ws = new WebSocket(location.href.replace(/^http/, 'ws').replace(/[^/]*$/, '') + 'ws');
    ws.onmessage = function (ev) {
      state = JSON.parse(ev.data);
      fillPersonas();
      if (state.screen.screen !== 'pin-entry') pin = '';
      render();
      document.body.setAttribute('data-ready', 'true');
    };
    ws.onclose = function () { setTimeout(connect, 500); };
  }
  connect();
})();
</script>
</body>
</html>
`;
