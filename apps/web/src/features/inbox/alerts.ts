import { useCallback, useEffect, useState } from 'react';

const storageKey = 'parley-inbox-alerts';
let audio: AudioContext | null = null;

/** A short two-tone chime made with WebAudio (no sound files). */
export function playChime(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    if (ctx.state === 'suspended') void ctx.resume();
    const start = ctx.currentTime + 0.01;
    [880, 1320].forEach((frequency, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      const t = start + i * 0.12;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.22);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.25);
    });
  } catch {
    // No audio available: the notification alone has to do.
  }
}

function readEnabled(): boolean {
  try {
    return localStorage.getItem(storageKey) === 'on';
  } catch {
    return false;
  }
}

/**
 * The opt-in for a browser notification and a short sound on new customer messages. Permission is
 * requested only when the person switches it on (a click), never on page load.
 */
export function useInboxAlerts() {
  const [enabled, setEnabled] = useState(readEnabled);
  const [denied, setDenied] = useState(
    () => typeof Notification !== 'undefined' && Notification.permission === 'denied',
  );

  useEffect(() => {
    try {
      localStorage.setItem(storageKey, enabled ? 'on' : 'off');
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, [enabled]);

  const toggle = useCallback(async () => {
    if (enabled) {
      setEnabled(false);
      return;
    }
    setEnabled(true);
    // Created inside the click, so the browser allows the sound later.
    try {
      audio ??= new AudioContext();
      void audio.resume();
    } catch {
      // ignore
    }
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      const result = await Notification.requestPermission();
      setDenied(result === 'denied');
    }
  }, [enabled]);

  const notify = useCallback(
    (title: string, body: string, tag: string, onClick: () => void) => {
      if (!enabled) return;
      playChime();
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      try {
        // The browser shows title and body as plain text.
        const n = new Notification(title, { body: body.slice(0, 200), tag });
        n.onclick = () => {
          window.focus();
          onClick();
          n.close();
        };
      } catch {
        // Some browsers only allow notifications from a service worker.
      }
    },
    [enabled],
  );

  return { enabled, denied, toggle, notify };
}
