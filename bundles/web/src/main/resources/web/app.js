// The Email Connection Settings page: plain DOM, talking to the REST API beside it (../api relative to this page).
(function () {
  'use strict';

  const api = '../api';
  const $ = (id) => document.getElementById(id);
  const fields = ['emailAddress', 'username', 'password', 'displayName',
                  'smtpHost', 'smtpPort', 'smtpSecurity', 'imapHost', 'imapPort', 'imapSecurity'];
  const STEP_NAMES = { SMTP: 'Sending (SMTP)', IMAP: 'Receiving (IMAP)',
    API_PROFILE: 'Signed in (provider API)', API_INBOX: 'Inbox readable (provider API)',
    ROUND_TRIP_SEND: 'Test email sent', ROUND_TRIP_RECEIVE: 'Test email received' };
  let presets = [];
  let signIns = [];        // OAuth providers an operator configured: {provider, displayName, presetIds}
  let account = null;      // the stored account, masked, or null
  let testedForm = null;   // the form values the last passing test was run with
  let me = null;           // who the page talks as: {login, operator, userId}
  let messagesOffset = 0;
  const PAGE = 20;
  const API_OFFERS = {
    graph: { text: 'Signed in, but your organisation has turned off SMTP for mail programs, so talentATS cannot send '
      + 'from this mailbox that way. talentATS can send and read through Microsoft 365 directly instead:',
      button: 'Connect through Microsoft 365 directly' },
    'gmail-api': { text: 'Signed in, but your organisation has turned off IMAP or SMTP for mail programs. talentATS '
      + 'can send and read through Gmail directly instead:', button: 'Connect through Gmail directly' } };
  const ACCESS_NAMES = { graph: 'through Microsoft 365 directly (Microsoft Graph)',
    'gmail-api': 'through Gmail directly (Gmail API)' };
  const TOKEN_KEY = 'talentats-email-token';
  const SECURITY_WORDS = { SSL_TLS: 'SSL/TLS', STARTTLS: 'STARTTLS', NONE: 'connected without encryption' };
  const STATUS_WORDS = { QUEUED: 'Queued', SENDING: 'Sending', RETRYING: 'Retrying', HELD: 'Held', SENT: 'Sent',
    FAILED: 'Failed', RECEIVED: 'Reply received', TRIAGE: 'Waiting to be matched to a message',
    QUARANTINED: 'Set aside (could not be read)', DISMISSED: 'Dismissed', BOUNCED: 'Bounced',
    DELAYED: 'Delivery delayed' };
  const HEALTH_WORDS = {
    AUTHENTICATION_FAILING: { what: 'Your mail server no longer accepts the saved password.', advice: [
      'Verify your email address is correct', 'Confirm your password is typed correctly',
      'For Gmail, ensure you are using an app-specific password, not your regular password',
      'Check if your email provider requires additional security settings'] },
    UNREACHABLE: { what: 'Your mail server could not be reached.', advice: [
      'Verify the SMTP server address is correct', 'Check the port number is correct for your provider',
      'Ensure the SSL/TLS setting matches your provider\'s requirements',
      'Contact your email provider if the server address has changed'] },
    NEEDS_REAUTHORIZATION: { what: 'The sign-in with your provider stopped working.', advice: [
      'Sign in with your provider again below (a changed password or withdrawn consent ends the sign-in)'] }
  };

  // A page embedded by the host application gets its token in the fragment (#token=...), which no server sees;
  // kept for this tab only.
  function token() { return sessionStorage.getItem(TOKEN_KEY); }
  function takeFragment() {
    const f = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (f.get('token')) sessionStorage.setItem(TOKEN_KEY, f.get('token'));
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    return f;
  }

  async function call(method, path, body) {
    const init = { method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' };
    if (token()) init.headers['Authorization'] = 'Bearer ' + token();
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
      oauthProvider: account && account.oauthProvider && !v.password ? account.oauthProvider : null,
      mailAccess: account && account.oauthProvider && !v.password ? account.mailAccess : null
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
        + (ACCESS_NAMES[account.mailAccess] ? ' Mail is sent and read ' + ACCESS_NAMES[account.mailAccess] + '.' : '')
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

  async function signIn(provider, mailAccess) {
    if (!user()) { showErrors([{ field: 'userId', message: 'Enter the talentATS user these settings belong to' }]); return; }
    const r = await call('POST', userPath() + '/oauth', {
      provider, presetId: $('preset').value || null, address: $('emailAddress').value.trim() || null,
      mailAccess: mailAccess || null });
    if (r.ok) {
      say('Opening the sign-in page of ' + provider + '...');
      window.location.assign(r.json.authorizationUrl);
    } else {
      say(r.json ? r.json.error : 'The sign-in could not start (' + r.status + ')', 'bad');
    }
  }

  // Signed in, but the organisation turned SMTP or IMAP off for mail programs: offer the provider's API.
  function offerApi(offer) {
    const [provider, api] = (offer || '').split('/');
    const words = API_OFFERS[api];
    if (!words) { say('Signed in, but this mailbox cannot be used over SMTP and IMAP.', 'bad'); return; }
    say(words.text, 'bad');
    const b = document.createElement('button');
    b.type = 'button';
    b.id = 'api-offer';
    b.className = 'signin';
    b.textContent = words.button;
    b.addEventListener('click', () => signIn(provider, api));
    $('message').appendChild(document.createTextNode(' '));
    $('message').appendChild(b);
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
      showHealth();
      state.textContent = 'No email account connected.';
      $('password').placeholder = '';
      showSignIn();
      return;
    }
    const v = account.lastVerification;
    state.textContent = (account.enabled ? 'Connected: ' : 'Paused (not used until you save working settings): ')
      + account.emailAddress
      + ' - sending through ' + account.smtp.host + ' (' + SECURITY_WORDS[account.smtp.security] + ')'
      + ', replies from ' + account.imap.host + ' (' + SECURITY_WORDS[account.imap.security] + ')'
      + (v ? '; last test ' + (v.passed ? 'passed' : 'failed') + ' ' + new Date(v.at).toLocaleString() : '') + '.';
    showHealth();
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

  // The banner the guide's troubleshooting speaks through: what is wrong, what to do, the actions.
  function showHealth() {
    const box = $('health');
    const h = account && account.health;
    if (!h || h.state === 'HEALTHY') { box.hidden = true; return; }
    const words = HEALTH_WORDS[h.state];
    $('health-what').textContent = words.what + (h.reason ? ' The server said: ' + h.reason : '')
      + (h.since ? ' (since ' + new Date(h.since).toLocaleString() + ')' : '');
    const ul = $('health-advice');
    ul.innerHTML = '';
    for (const a of words.advice) { const li = document.createElement('li'); li.textContent = a; ul.appendChild(li); }
    $('health-password').hidden = h.state === 'NEEDS_REAUTHORIZATION' || !!account.oauthProvider;
    box.hidden = false;
  }

  async function testAgain() {
    say('Testing the saved settings...');
    const r = await call('POST', userPath() + '/test?stored=true');
    if (r.ok) {
      renderReport(r.json);
      say(r.json.passed ? 'Your saved settings work again.' : 'The saved settings still fail: see below.',
          r.json.passed ? 'ok' : 'bad');
      await loadAccount();
    } else {
      say(r.json ? r.json.error : 'The test could not run (' + r.status + ')', 'bad');
    }
  }

  function counterpart(m) {
    if (m.direction === 'INBOUND') return 'From ' + m.from;
    return 'To ' + (m.to || []).join(', ');
  }

  function statusWords(m) {
    if (m.direction === 'INBOUND' && m.kind === 'AUTO_REPLY') return 'Automatic reply (out of office)';
    const w = STATUS_WORDS[m.status] || m.status;
    const why = ['FAILED', 'RETRYING', 'HELD', 'BOUNCED', 'DELAYED'].includes(m.status) && m.failureReason
      ? ': ' + m.failureReason : '';
    return w + why;
  }

  async function loadMessages() {
    const section = $('messages');
    if (!user() || !account) { section.hidden = true; return; }
    const r = await call('GET', userPath() + '/messages?offset=' + messagesOffset + '&limit=' + PAGE);
    if (!r.ok) { section.hidden = true; return; }
    section.hidden = false;
    const body = document.querySelector('#message-list tbody');
    body.innerHTML = '';
    for (const m of r.json.items) {
      const tr = document.createElement('tr');
      tr.dataset.id = m.id;
      const cells = [new Date(m.createdAt).toLocaleString(), counterpart(m), m.subject || '(no subject)',
        statusWords(m), m.threadId || ''];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (i === 3) { td.className = m.status; td.dataset.status = m.status; }
        tr.appendChild(td);
      });
      const td = document.createElement('td');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Details';
      b.setAttribute('aria-label', 'Details of ' + (m.subject || 'the message') + ', ' + counterpart(m));
      b.addEventListener('click', () => showDetail(m.id));
      td.appendChild(b);
      tr.appendChild(td);
      body.appendChild(tr);
    }
    $('messages-empty').hidden = r.json.items.length > 0;
    $('newer').disabled = messagesOffset === 0;
    $('older').disabled = messagesOffset + PAGE >= r.json.total;
    $('page-info').textContent = r.json.total === 0 ? '' : (messagesOffset + 1) + '-'
      + (messagesOffset + r.json.items.length) + ' of ' + r.json.total;
  }

  async function showDetail(id) {
    const r = await call('GET', '/messages/' + encodeURIComponent(id));
    if (!r.ok) { say(r.json ? r.json.error : 'Could not load the message (' + r.status + ')', 'bad'); return; }
    const m = r.json;
    const d = $('detail');
    d.dataset.id = m.id;
    $('detail-title').textContent = m.subject || '(no subject)';
    $('detail-meta').textContent = counterpart(m) + ' - ' + statusWords(m)
      + (m.threadId ? ' - thread ' + m.threadId : '');
    const reply = m.direction === 'INBOUND' ? (m.replyText || m.textBody || '') : '';
    $('detail-reply').hidden = !reply;
    $('detail-reply-text').textContent = reply;
    const ol = $('timeline');
    ol.innerHTML = '';
    for (const e of m.events || []) {
      const li = document.createElement('li');
      li.textContent = new Date(e.at).toLocaleString() + ' - ' + (STATUS_WORDS[e.status] || e.status)
        + (e.detail ? ': ' + e.detail : '');
      ol.appendChild(li);
    }
    $('retry').hidden = m.status !== 'FAILED';
    d.hidden = false;
    d.focus();
  }

  async function retry() {
    const id = $('detail').dataset.id;
    const r = await call('POST', '/messages/' + encodeURIComponent(id) + '/retry');
    if (r.ok) { say('The message is queued again.', 'ok'); await showDetail(id); await loadMessages(); }
    else say(r.json ? r.json.error : 'Could not retry (' + r.status + ')', 'bad');
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
    messagesOffset = 0;
    $('detail').hidden = true;
    await loadMessages();
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
    const fragment = takeFragment();
    $('userId').value = new URLSearchParams(location.search).get('user') || '';
    const who = await call('GET', '/me');
    if (!who.ok) {
      say(who.json ? who.json.error : 'Log in to use this page (' + who.status + ')', 'bad');
      document.body.dataset.ready = 'true';
      return;
    }
    me = who.json;
    if (!me.operator) {
      // A recruiter manages their own account only: the user is theirs, not a choice.
      $('userId').value = me.userId;
      $('userId').readOnly = true;
      $('user-field').hidden = true;
    }
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
    $('health-test').addEventListener('click', testAgain);
    $('health-password').addEventListener('click', () => $('password').focus());
    $('health-disconnect').addEventListener('click', disconnect);
    $('newer').addEventListener('click', () => { messagesOffset = Math.max(0, messagesOffset - PAGE); loadMessages(); });
    $('older').addEventListener('click', () => { messagesOffset += PAGE; loadMessages(); });
    $('retry').addEventListener('click', retry);
    $('detail-close').addEventListener('click', () => { $('detail').hidden = true; });
    if (fragment.get('oauth-state')) {
      // Back from the provider with a page that authenticates by token: the page completes the sign-in.
      const done = await call('POST', '/oauth/complete', { state: fragment.get('oauth-state'),
        code: fragment.get('oauth-code') });
      const q = new URLSearchParams();
      if (done.ok) {
        q.set('user', done.json.userId); q.set('oauth', done.json.outcome);
        if (done.json.offer) q.set('offer', done.json.offer);
      }
      else { q.set('oauth', 'error'); q.set('message', done.json ? done.json.error : 'The sign-in did not complete'); }
      history.replaceState(null, '', location.pathname + '?' + q.toString());
      if (done.ok && me.operator) $('userId').value = done.json.userId;
    }
    await loadAccount();
    // Back from a provider's sign-in page (the callback ran Test Connection already).
    const q = new URLSearchParams(location.search);
    const outcome = q.get('oauth');
    if (outcome === 'connected') say('Signed in and connected: ' + (account ? account.emailAddress : '') + '. Your configuration is now active.', 'ok');
    else if (outcome === 'failed') say('Signed in, but Test Connection failed: ' + (account && account.lastVerification ? account.lastVerification.summary : 'see the server') + '. Test again or sign in again.', 'bad');
    else if (outcome === 'error') say(q.get('message') || 'The sign-in did not complete.', 'bad');
    else if (outcome === 'api-offered') offerApi(q.get('offer'));
    document.body.dataset.ready = 'true';
  }

  start().catch((e) => say('The page could not start: ' + e.message, 'bad'));
})();
