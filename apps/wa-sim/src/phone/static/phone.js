// Customer phone for the Parley WhatsApp simulator. Plain JS, no dependencies.
// Everything shown comes from the simulator; message text is hostile: only textContent is used.

(() => {
  const SIM = new URL('../', window.location.href); // <prefix>/_sim/
  const EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🙏'];
  const state = {
    customers: [],
    current: null,
    thread: null,
    version: null,
    replyTo: null,
    polling: 0,
    expanded: new Set(),
    shown: 0,
  };
  const $ = (id) => document.getElementById(id);
  const bubbles = window.createBubbles({
    SIM,
    EMOJI,
    state,
    sendInbound: (message, contextId) => sendInbound(message, contextId),
    onReply: (message) => {
      state.replyTo = { id: message.id, text: bubbles.summary(message) };
      renderReplyBar();
      $('text').focus();
    },
  });
  const { el, renderMessage } = bubbles;

  async function api(path, options) {
    const response = await fetch(new URL(path, SIM), options);
    const body = await response.json().catch(() => ({}));
    if (!response.ok)
      throw new Error(body?.error?.error_data?.details || body?.error?.message || response.statusText);
    return body;
  }

  const postJson = (path, body) =>
    api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  // ---- customers -------------------------------------------------------------------------
  async function loadCustomers() {
    const { data } = await api('customers');
    state.customers = data.reverse();
    renderCustomers();
  }

  function renderCustomers() {
    const list = $('customers');
    list.replaceChildren();
    for (const customer of state.customers) {
      const item = el('li');
      const button = el('button');
      button.type = 'button';
      button.setAttribute('aria-current', String(state.current === customer.key));
      button.append(el('span', 'cname', customer.name));
      const meta = customer.wa_id ? `+${customer.wa_id}` : customer.user_id;
      button.append(el('span', 'cmeta', `${meta}${customer.window_open ? ' · window open' : ''}`));
      button.addEventListener('click', () => selectCustomer(customer.key));
      item.append(button);
      list.append(item);
    }
  }

  function selectCustomer(key) {
    state.current = key;
    state.version = null;
    state.thread = null;
    state.replyTo = null;
    state.shown = 0;
    renderReplyBar();
    $('text').disabled = false;
    $('send').disabled = false;
    renderCustomers();
    poll();
  }

  $('new-customer').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const customer = await postJson('customers', {
        wa_id: String(form.get('wa_id')),
        name: String(form.get('name')),
      });
      event.target.reset();
      await loadCustomers();
      selectCustomer(customer.key);
    } catch (error) {
      window.alert(`Could not add customer: ${error.message}`);
    }
  });

  // ---- thread ----------------------------------------------------------------------------
  async function poll() {
    const key = state.current;
    const ticket = ++state.polling;
    while (key && ticket === state.polling) {
      try {
        const query = state.version === null ? '' : `?version=${state.version}&wait=20000`;
        const thread = await api(`customers/${encodeURIComponent(key)}/thread${query}`);
        if (ticket !== state.polling) return;
        state.thread = thread;
        state.version = thread.customer.version;
        renderThread();
        markRead(thread);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  }

  function markRead(thread) {
    const unread = thread.messages.some(
      (m) => m.direction === 'out' && (m.status === 'sent' || m.status === 'delivered'),
    );
    if (unread && document.visibilityState === 'visible') {
      postJson(`customers/${encodeURIComponent(thread.customer.key)}/read`, {}).catch(() => {});
    }
  }

  function renderThread() {
    const { customer, business, messages } = state.thread;
    $('business-name').textContent = business.name;
    $('chat-title').textContent = business.name;
    $('chat-subtitle').textContent = customer.typing
      ? 'typing…'
      : `you are ${customer.name} (${customer.wa_id ? `+${customer.wa_id}` : customer.user_id})`;
    const box = $('thread');
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    const previousScroll = box.scrollTop;
    box.replaceChildren();
    const byId = new Map(messages.map((m) => [m.id, m]));
    const visible = messages.filter((m) => m.type !== 'reaction');
    if (visible.length === 0) box.append(el('div', 'empty', 'No messages yet. Say hi to the business!'));
    for (const message of visible) box.append(renderMessage(message, byId));
    const grew = visible.length > state.shown;
    if (atBottom || grew || box.dataset.customer !== customer.key) box.scrollTop = box.scrollHeight;
    else box.scrollTop = previousScroll;
    state.shown = visible.length;
    box.dataset.customer = customer.key;
  }

  // ---- sending ---------------------------------------------------------------------------
  function renderReplyBar() {
    $('reply-bar').hidden = !state.replyTo;
    $('reply-text').textContent = state.replyTo ? `Replying to: ${state.replyTo.text}` : '';
  }
  $('reply-cancel').addEventListener('click', () => {
    state.replyTo = null;
    renderReplyBar();
  });

  async function sendInbound(message, contextId) {
    const customer = state.thread?.customer;
    if (!customer) return;
    const context = contextId ?? state.replyTo?.id;
    if (context) message.context = { id: context };
    const who = customer.wa_id ? { from: customer.wa_id } : { user_id: customer.user_id };
    try {
      await postJson('inbound', { ...who, name: customer.name, message });
      state.replyTo = null;
      renderReplyBar();
    } catch (error) {
      window.alert(`Could not send: ${error.message}`);
    }
  }

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('text');
    const body = input.value.trim();
    if (!body) return;
    input.value = '';
    sendInbound({ type: 'text', text: { body } });
  });

  $('send-location').addEventListener('click', () => {
    if (!state.thread) return;
    sendInbound({
      type: 'location',
      location: {
        latitude: 38.7223,
        longitude: -9.1393,
        name: 'My location',
        address: 'Rua Augusta 1, Lisboa',
      },
    });
  });

  $('file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file || !state.thread) return;
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const media = await api('media', { method: 'POST', body: form });
      const caption = $('text').value.trim();
      $('text').value = '';
      await sendInbound({ type: 'image', image: caption ? { id: media.id, caption } : { id: media.id } });
    } catch (error) {
      window.alert(`Could not send the photo: ${error.message}`);
    }
  });

  loadCustomers()
    .then(() => {
      const wanted = new URLSearchParams(window.location.search).get('customer');
      const pick = state.customers.find((c) => c.key === wanted || c.wa_id === wanted) || state.customers[0];
      if (pick) selectCustomer(pick.key);
    })
    .catch(() => {});
  setInterval(() => loadCustomers().catch(() => {}), 5000);
})();
