// The Email Connection Settings page: plain DOM, talking to the REST API beside it (../api relative to this page).
(function () {
  'use strict';

  const api = '../api';
  const $ = (id) => document.getElementById(id);
  const fields = ['emailAddress', 'username', 'password', 'displayName',
                  'smtpHost', 'smtpPort', 'smtpSecurity', 'imapHost', 'imapPort', 'imapSecurity'];
  const STEP_NAMES = { SMTP: 'Sending (SMTP)', IMAP: 'Receiving (IMAP)',
    ROUND_TRIP_SEND: 'Test email sent', ROUND_TRIP_RECEIVE: 'Test email received' };
  let presets = [];
  let signIns = [];        // OAuth providers an operator configured: {provider, displayName, presetIds}
  let account = null;      // the stored account, masked, or null
  let testedForm = null;   // the form values the last passing test was run with

  async function call(method, path, body) {
    const init = { method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(api + path, init);
    const text = await resp.text();
    const json = text ? JSON.parse(text) : null;
    return { status: resp.status, ok: resp.ok, json };
  }

  function user() { return $('userId').value.trim(); }
  function userPath() { return '/accounts/' + encodeURIComponent(user()); }

  function port(value) {
    const v = value.trim();
    if (v === '') return null;
    return /^\d{1,6}$/.test(v) ? Number(v) : 0;
  }

  function formValues() {
    const v = {};
    for (const f of fields) v[f] = $(f).value;
    return {
      presetId: $('preset').value || null,
      emailAddress: v.emailAddress.trim(),
      username: v.username.trim() || null,
      password: v.password === '' ? null : v.password,
      displayName: v.displayName.trim() || null,
      smtpHost: v.smtpHost.trim() || null, smtpPort: port(v.smtpPort), smtpSecurity: v.smtpSecurity,
      imapHost: v.imapHost.trim() || null, imapPort: port(v.imapPort), imapSecurity: v.imapSecurity,
      // An OAuth account keeps its sign-in while other fields are edited.
      oauthProvider: account && account.oauthProvider && !v.password ? account.oauthProvider : null
    };
  }

  // The sign-in buttons of the chosen provider (by preset, or by the preset the typed address belongs to).
  function showSignIn() {
    const box = $('oauth');
    const buttons = $('oauth-buttons');
    buttons.innerHTML = '';
    const presetId = $('preset').value;
    const offered = signIns.filter((o) => presetId && o.presetIds.includes(presetId));
    const signedIn = account && account.oauthProvider;
    $('oauth-state').textContent = signedIn
      ? 'Signed in with ' + account.oauthProvider + ' as ' + account.emailAddress + ': no password is stored.'
        + (account.health && account.health.state === 'NEEDS_REAUTHORIZATION' ? ' The sign-in stopped working: sign in again.' : '')
      : (offered.length ? 'Sign in with your provider instead of a password:' : '');
    for (const o of offered) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'signin';
      b.dataset.provider = o.provider;
      b.textContent = signedIn ? 'Sign in again with ' + o.provider : o.displayName;
      b.addEventListener('click', () => signIn(o.provider));
      buttons.appendChild(b);
    }
    box.hidden = !signedIn && offered.length === 0;
    $('password-field').hidden = !!signedIn;
  }

  async function signIn(provider) {
    if (!user()) { showErrors([{ field: 'userId', message: 'Enter the talentATS user these settings belong to' }]); return; }
    const r = await call('POST', userPath() + '/oauth', {
      provider, presetId: $('preset').value || null, address: $('emailAddress').value.trim() || null });
    if (r.ok) {
      say('Opening the sign-in page of ' + provider + '...');
      window.location.assign(r.json.authorizationUrl);
    } else {
      say(r.json ? r.json.error : 'The sign-in could not start (' + r.status + ')', 'bad');
    }
  }

  function say(text, kind) {
    const m = $('message');
    m.textContent = text;
    m.className = kind || '';
  }

  function showErrors(list) {
    const ul = $('field-errors');
    ul.innerHTML = '';
    document.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
    for (const e of list || []) {
      const li = document.createElement('li');
      li.textContent = e.message;
      li.dataset.field = e.field;
      ul.appendChild(li);
      const input = $(e.field.replace(/\.(\w)/, (_, c) => c.toUpperCase()));
      if (input) input.setAttribute('aria-invalid', 'true');
    }
    ul.hidden = !list || list.length === 0;
  }

  function showPresetNotes(p) {
    const notes = $('preset-notes');
    if (!p) { notes.hidden = true; notes.textContent = ''; return; }
    notes.textContent = (p.authNotes || '') + (p.helpUrl ? ' More: ' + p.helpUrl : '');
    notes.hidden = !notes.textContent;
  }

  function applyPreset(p) {
    $('preset').value = p ? p.id : '';
    if (p) {
      $('smtpHost').value = p.smtp.host; $('smtpPort').value = p.smtp.port; $('smtpSecurity').value = p.smtp.security;
      $('imapHost').value = p.imap.host; $('imapPort').value = p.imap.port; $('imapSecurity').value = p.imap.security;
    }
    showPresetNotes(p);
    showSignIn();
    formChanged();
  }

  // Save is possible only with the very values a test has just passed with.
  function formChanged() {
    const same = testedForm !== null && JSON.stringify(formValues()) === JSON.stringify(testedForm);
    $('save').disabled = !same;
    $('save').title = same ? '' : 'Test the connection first';
  }

  function showAccount() {
    const state = $('connection-state');
    $('disconnect').hidden = !account;
    $('password').value = '';
    if (!account) {
      state.textContent = 'No email account connected.';
      $('password').placeholder = '';
      showSignIn();
      return;
    }
    const v = account.lastVerification;
    state.textContent = 'Connected: ' + account.emailAddress
      + (v ? ' (last test ' + (v.passed ? 'passed' : 'failed') + ' ' + new Date(v.at).toLocaleString() + ')' : '')
      + (account.health && account.health.state !== 'HEALTHY' ? ' - ' + account.health.reason : '');
    $('password').placeholder = account.passwordSet ? 'Saved - leave empty to keep it' : '';
    $('emailAddress').value = account.emailAddress;
    $('username').value = account.username && account.username !== account.emailAddress ? account.username : '';
    $('displayName').value = account.displayName || '';
    $('smtpHost').value = account.smtp.host; $('smtpPort').value = account.smtp.port;
    $('smtpSecurity').value = account.smtp.security;
    $('imapHost').value = account.imap.host; $('imapPort').value = account.imap.port;
    $('imapSecurity').value = account.imap.security;
    $('preset').value = account.presetId && presets.some((p) => p.id === account.presetId) ? account.presetId : '';
    showPresetNotes(presets.find((p) => p.id === account.presetId));
    showSignIn();
  }

  async function loadAccount() {
    account = null;
    testedForm = null;
    if (user()) {
      const r = await call('GET', userPath());
      if (r.ok) account = r.json;
      else if (r.status !== 404) say(r.json ? r.json.error : 'Could not load the settings (' + r.status + ')', 'bad');
    }
    showAccount();
    formChanged();
  }

  function renderReport(report) {
    $('report').hidden = false;
    $('report-summary').textContent = report.passed
      ? 'Success: your email settings work.'
      : 'The connection does not work yet. See what to check below.';
    const ol = $('steps');
    ol.innerHTML = '';
    for (const s of report.steps) {
      const li = document.createElement('li');
      li.className = s.outcome;
      li.dataset.step = s.step;
      const head = document.createElement('div');
      head.textContent = STEP_NAMES[s.step] + ': ' + s.outcome.toLowerCase() + ' - ' + s.detail;
      li.appendChild(head);
      if (s.serverReply) {
        const server = document.createElement('div');
        server.className = 'server';
        server.textContent = 'Server said: ' + s.serverReply;
        li.appendChild(server);
      }
      if (s.advice && s.advice.length) {
        const ul = document.createElement('ul');
        ul.className = 'advice';
        for (const a of s.advice) {
          const item = document.createElement('li');
          item.textContent = a;
          ul.appendChild(item);
        }
        li.appendChild(ul);
      }
      ol.appendChild(li);
    }
  }

  async function test() {
    if (!user()) { showErrors([{ field: 'userId', message: 'Enter the talentATS user these settings belong to' }]); return; }
    const values = formValues();
    say('Testing the connection...');
    $('test').disabled = true;
    try {
      const r = await call('POST', userPath() + '/test' + ($('roundTrip').checked ? '?roundTrip=true' : ''), values);
      if (r.status === 400) {
        showErrors(r.json.fields);
        say(r.json.error, 'bad');
        testedForm = null;
      } else if (r.ok) {
        showErrors([]);
        renderReport(r.json);
        testedForm = r.json.passed ? values : null;
        say(r.json.passed ? 'Connection verified. You can save your settings now.' : 'Connection test failed.',
            r.json.passed ? 'ok' : 'bad');
      } else {
        say(r.json ? r.json.error : 'The test could not run (' + r.status + ')', 'bad');
      }
    } finally {
      $('test').disabled = false;
      formChanged();
    }
  }

  async function save() {
    const r = await call('PUT', userPath(), formValues());
    if (r.ok) {
      account = r.json;
      testedForm = null;
      showErrors([]);
      showAccount();
      formChanged();
      say('Settings saved. Your configuration is now active.', 'ok');
    } else {
      showErrors(r.json && r.json.fields);
      say(r.json ? r.json.error : 'Not saved (' + r.status + ')', 'bad');
    }
  }

  async function disconnect() {
    if (!window.confirm('Disconnect ' + (account ? account.emailAddress : 'this account')
        + '? Your settings and password are removed.')) return;
    const r = await call('DELETE', userPath());
    if (r.ok || r.status === 404) {
      account = null;
      testedForm = null;
      for (const f of fields) if (!f.endsWith('Security')) $(f).value = '';
      $('preset').value = '';
      $('report').hidden = true;
      showAccount();
      formChanged();
      say('Disconnected. Your email settings were removed; you can connect again at any time.', 'ok');
    } else {
      say(r.json ? r.json.error : 'Could not disconnect (' + r.status + ')', 'bad');
    }
  }

  async function lookup() {
    const address = $('emailAddress').value.trim();
    if ($('preset').value || !address.includes('@')) return;
    const r = await call('GET', '/presets?address=' + encodeURIComponent(address));
    if (r.ok) { applyPreset(r.json); return; }
    // Not a preset's domain: ask discovery (autoconfig, ISP database, DNS), which never sees the password
    const found = $('discovered');
    found.hidden = true;
    const d = await call('GET', '/discover?address=' + encodeURIComponent(address));
    if (!d.ok || !d.json.source || d.json.source === 'NONE') return;
    if ($('smtpHost').value.trim() || $('imapHost').value.trim() || $('preset').value) return; // typed meanwhile
    const p = d.json.presetId && presets.find((x) => x.id === d.json.presetId);
    if (p) {
      applyPreset(p);
    } else {
      $('smtpHost').value = d.json.smtp.host; $('smtpPort').value = d.json.smtp.port;
      $('smtpSecurity').value = d.json.smtp.security;
      $('imapHost').value = d.json.imap.host; $('imapPort').value = d.json.imap.port;
      $('imapSecurity').value = d.json.imap.security;
      if (d.json.username && d.json.username !== address) $('username').value = d.json.username;
      formChanged();
    }
    found.textContent = 'Settings ' + d.json.sourceDetail + '.'
      + (d.json.confirmationNeeded ? ' Please check them before you save.' : '')
      + (d.json.notes.length ? ' ' + d.json.notes.join('. ') + '.' : '');
    found.hidden = false;
  }

  async function start() {
    $('userId').value = new URLSearchParams(location.search).get('user') || '';
    const r = await call('GET', '/presets');
    if (r.ok) {
      presets = r.json;
      for (const p of presets) {
        const o = document.createElement('option');
        o.value = p.id;
        o.textContent = p.displayName;
        $('preset').appendChild(o);
      }
    } else {
      say(r.json ? r.json.error : 'Could not load the providers (' + r.status + ')', 'bad');
    }
    const o = await call('GET', '/oauth/providers');
    if (o.ok) signIns = o.json;
    $('preset').addEventListener('change', () => applyPreset(presets.find((p) => p.id === $('preset').value)));
    $('emailAddress').addEventListener('change', lookup);
    $('userId').addEventListener('change', loadAccount);
    $('settings').addEventListener('input', formChanged);
    $('test').addEventListener('click', test);
    $('save').addEventListener('click', save);
    $('disconnect').addEventListener('click', disconnect);
    await loadAccount();
    // Back from a provider's sign-in page (the callback ran Test Connection already).
    const q = new URLSearchParams(location.search);
    const outcome = q.get('oauth');
    if (outcome === 'connected') say('Signed in and connected: ' + (account ? account.emailAddress : '') + '. Your configuration is now active.', 'ok');
    else if (outcome === 'failed') say('Signed in, but Test Connection failed: ' + (account && account.lastVerification ? account.lastVerification.summary : 'see the server') + '. Test again or sign in again.', 'bad');
    else if (outcome === 'error') say(q.get('message') || 'The sign-in did not complete.', 'bad');
    document.body.dataset.ready = 'true';
  }

  start().catch((e) => say('The page could not start: ' + e.message, 'bad'));
})();
