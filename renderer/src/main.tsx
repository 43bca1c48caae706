// Renderer entry: StrictMode on purpose, so effect bugs (blob: URL leaks) show up in development.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'antd/dist/reset.css';
// Every component's styles, prebuilt: the theme runs in zero-runtime mode (see App.tsx).
import 'antd/dist/antd.css';
import './styles.css';
import { initI18n, languageFor } from './i18n';
import { mainChunk, Root } from './App';
import { createAppQueryClient, startFirstReads } from './lib/startup';
import { warmFormatters } from './lib/format';

/**
 * The longest the first render waits for the first screen's reads (the window shows index.html's splash, the app's
 * mark, meanwhile): a directory still being read on a first launch then shows its progress as before.
 */
const FIRST_RENDER_WAIT_MS = 1000;

const client = createAppQueryClient();
const firstReads = startFirstReads(client);
const language = languageFor('system', navigator.language);
initI18n(language);
// While main reads the first page (the longest wait), not before the sign-in state's answer has been handled; the
// connect screen formats no dates.
void firstReads.signedIn.then((signedIn) => signedIn && warmFormatters(language));

function render() {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Root client={client} />
    </StrictMode>,
  );
}

// The first render waits for the first screen's reads (and, signed in, the workspace's code) instead of drawing a
// spinner and then the workspace's skeleton first: those renders held back the page's handling of the sign-in
// state, and so the directory's first read, by ~0.25 s, and the workspace rendered twice before its first rows.
const firstScreen = firstReads.settled.then((signedIn) => (signedIn ? mainChunk : undefined));
void Promise.race([firstScreen, new Promise((r) => setTimeout(r, FIRST_RENDER_WAIT_MS))]).then(render, render);
