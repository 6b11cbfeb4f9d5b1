// Message bubbles of the customer phone (plain JS). Message text is hostile: only textContent is used.

/**
 * @param {{ SIM: URL, EMOJI: string[], state: { expanded: Set<string> },
 *           sendInbound: (message: object, contextId?: string) => void, onReply: (message: object) => void }} ctx
 */
window.createBubbles = (ctx) => {
  const { SIM, EMOJI, state, sendInbound } = ctx;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeHref(value) {
    try {
      const url = new URL(String(value));
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch {
      return null;
    }
  }

  function summary(message) {
    if (!message) return 'a message';
    const c = message.content || {};
    if (message.type === 'text') return c.body;
    if (message.type === 'template' && message.rendered) return message.rendered.body;
    if (message.type === 'interactive') return c.body?.text || c.type;
    return c.caption || message.type;
  }

  function renderMessage(message, byId) {
    const mine = message.direction === 'in';
    if (message.type === 'system') return el('div', 'system', message.content?.body || 'system message');
    const row = el('div', mine ? 'row mine' : 'row');
    const bubble = el('div', 'bubble');
    if (message.context_id) bubble.append(el('div', 'quote', summary(byId.get(message.context_id))));
    renderContent(bubble, message);
    const meta = el(
      'div',
      'meta',
      new Date(message.timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    );
    if (mine) {
      const ticks = el('span', message.read_by_business ? 'ticks read' : 'ticks', '✓✓');
      ticks.title = message.read_by_business ? 'Read by the business' : 'Delivered';
      meta.append(ticks);
    } else if (message.status === 'failed') {
      meta.append(el('span', 'ticks failed', 'not delivered'));
    }
    bubble.append(meta);
    if (message.reaction) {
      bubble.append(el('span', 'reaction', message.reaction));
      row.classList.add('has-reaction');
    }
    const actions = el('div', 'actions');
    const reply = el('button', '', '↩');
    reply.type = 'button';
    reply.title = 'Reply';
    reply.addEventListener('click', () => ctx.onReply(message));
    const react = el('button', '', '☺');
    react.type = 'button';
    react.title = 'React';
    react.addEventListener('click', (event) => openPicker(event.currentTarget, message.id));
    actions.append(reply, react);
    if (mine) row.append(actions, bubble);
    else row.append(bubble, actions);
    return row;
  }

  function mediaNode(kind, media) {
    if (media?.id) {
      const url = new URL(`media/${encodeURIComponent(media.id)}`, SIM).href;
      if (kind === 'image' || kind === 'sticker') {
        const img = el('img', 'media');
        img.alt = media.caption || kind;
        img.src = url;
        return img;
      }
      const link = el('a', '', `⬇ ${media.filename || kind}`);
      link.href = url;
      link.download = media.filename || kind;
      return link;
    }
    return el('div', 'link-media', `${kind} · ${media?.link || ''}`);
  }

  function renderContent(bubble, message) {
    const c = message.content || {};
    switch (message.type) {
      case 'text':
        bubble.append(el('div', '', c.body));
        return;
      case 'image':
      case 'video':
      case 'audio':
      case 'document':
      case 'sticker':
        bubble.append(mediaNode(message.type, c));
        if (c.caption) bubble.append(el('div', '', c.caption));
        return;
      case 'location':
        bubble.append(el('div', '', `📍 ${[c.name, c.address].filter(Boolean).join(', ') || 'Location'}`));
        bubble.append(el('div', 'footer', `${c.latitude}, ${c.longitude}`));
        return;
      case 'contacts':
        for (const card of Array.isArray(c) ? c : []) {
          bubble.append(
            el(
              'div',
              '',
              `👤 ${card.name?.formatted_name || ''} ${(card.phones || []).map((p) => p.phone).join(', ')}`,
            ),
          );
        }
        return;
      case 'interactive':
        renderInteractive(bubble, message, c);
        return;
      case 'template':
        renderTemplate(bubble, message);
        return;
      case 'button':
        bubble.append(el('div', '', c.text));
        return;
      case 'reaction':
        bubble.append(el('div', '', c.emoji));
        return;
      case 'order':
        bubble.append(el('div', '', `🛒 Order: ${(c.product_items || []).length} item(s)`));
        return;
      case 'unsupported':
        bubble.append(el('div', 'footer', 'Unsupported message'));
        return;
      default:
        bubble.append(el('div', 'footer', `[${message.type}]`));
    }
  }

  function renderInteractive(bubble, message, c) {
    if (c.type === 'button_reply') return bubble.append(el('div', '', c.button_reply?.title));
    if (c.type === 'list_reply') return bubble.append(el('div', '', c.list_reply?.title));
    if (c.header?.type === 'text') bubble.append(el('div', 'header', c.header.text));
    else if (c.header) bubble.append(mediaNode(c.header.type, c.header[c.header.type]));
    if (c.body?.text) bubble.append(el('div', '', c.body.text));
    if (c.footer?.text) bubble.append(el('div', 'footer', c.footer.text));
    const choices = el('div', 'choices');
    if (c.type === 'button') {
      for (const button of c.action?.buttons || []) {
        choices.append(
          choice(button.reply.title, () =>
            sendInbound(
              {
                type: 'interactive',
                interactive: {
                  type: 'button_reply',
                  button_reply: { id: button.reply.id, title: button.reply.title },
                },
              },
              message.id,
            ),
          ),
        );
      }
    } else if (c.type === 'list') {
      const rows = el('div', 'list-rows');
      rows.hidden = !state.expanded.has(message.id);
      for (const section of c.action?.sections || []) {
        if (section.title) rows.append(el('div', 'section', section.title));
        for (const row of section.rows || []) {
          const button = choice(row.title, () =>
            sendInbound(
              {
                type: 'interactive',
                interactive: {
                  type: 'list_reply',
                  list_reply: { id: row.id, title: row.title, description: row.description },
                },
              },
              message.id,
            ),
          );
          if (row.description) button.append(el('small', '', row.description));
          rows.append(button);
        }
      }
      choices.append(
        choice(`☰ ${c.action?.button || 'Options'}`, () => {
          rows.hidden = !rows.hidden;
        }),
      );
      bubble.append(choices, rows);
      return;
    } else if (c.type === 'cta_url') {
      choices.append(link(c.action?.parameters?.display_text, c.action?.parameters?.url));
    }
    bubble.append(choices);
  }

  function renderTemplate(bubble, message) {
    const r = message.rendered;
    if (!r) return bubble.append(el('div', '', `[template ${message.content?.name}]`));
    if (r.header?.text) bubble.append(el('div', 'header', r.header.text));
    else if (r.header?.media) bubble.append(mediaNode(r.header.format.toLowerCase(), r.header.media));
    bubble.append(el('div', '', r.body));
    if (r.footer) bubble.append(el('div', 'footer', r.footer));
    const choices = el('div', 'choices');
    for (const button of r.buttons || []) {
      if (button.type === 'QUICK_REPLY') {
        choices.append(
          choice(button.text, () =>
            sendInbound(
              { type: 'button', button: { payload: button.payload ?? button.text, text: button.text } },
              message.id,
            ),
          ),
        );
      } else if (button.type === 'URL') {
        choices.append(link(button.text, button.url));
      } else {
        choices.append(el('div', 'footer', button.text));
      }
    }
    if (choices.childElementCount) bubble.append(choices);
  }

  function choice(label, onClick) {
    const button = el('button', '', label);
    button.type = 'button';
    button.addEventListener('click', onClick);
    return button;
  }

  function link(label, href) {
    const safe = safeHref(href);
    if (!safe) return el('div', 'footer', label);
    const anchor = el('a', '', `🔗 ${label}`);
    anchor.href = safe;
    anchor.target = '_blank';
    anchor.rel = 'noopener noreferrer';
    return anchor;
  }

  function openPicker(anchor, messageId) {
    document.querySelector('.emoji-picker')?.remove();
    const picker = document.getElementById('emoji-picker').content.firstElementChild.cloneNode(true);
    for (const emoji of EMOJI) {
      picker.append(
        choice(emoji, () => {
          picker.remove();
          sendInbound({ type: 'reaction', reaction: { message_id: messageId, emoji } });
        }),
      );
    }
    const rect = anchor.getBoundingClientRect();
    picker.style.left = `${Math.max(8, rect.left - 100 + window.scrollX)}px`;
    picker.style.top = `${rect.top - 44 + window.scrollY}px`;
    document.body.append(picker);
    setTimeout(() => document.addEventListener('click', () => picker.remove(), { once: true }), 0);
  }

  return { el, renderMessage, summary };
};
