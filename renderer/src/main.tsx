// Renderer entry: StrictMode on purpose, so effect bugs (blob: URL leaks) show up in development.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'antd/dist/reset.css';
// Every component's styles, prebuilt: the theme runs in zero-runtime mode (see App.tsx).
import 'antd/dist/antd.css';
import './styles.css';
import { initI18n, languageFor } from './i18n';
import { Root } from './App';
import { createAppQueryClient, startFirstReads } from './lib/startup';

const client = createAppQueryClient();
startFirstReads(client);
initI18n(languageFor('system', navigator.language));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root client={client} />
  </StrictMode>,
);
